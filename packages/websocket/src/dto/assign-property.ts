/**
 * Sets `key` on a DTO instance the way `instance[key] = value` would (setters run). A
 * `__proto__` key from parsed input is dropped: assigning it would replace the instance's
 * prototype, and class-validator's whitelist does not see it as an unknown property.
 */
export function assignProperty(instance: object, key: string, value: unknown): void {
  if (key !== '__proto__') Reflect.set(instance, key, value);
}
