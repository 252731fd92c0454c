import { KindlingError } from '../errors/kindling-error.js';
import { assignProperty } from './assign-property.js';
import type { DtoClass, DtoOptions } from './dto-class.js';
import { planFor } from './property-types.js';
import { runValidation } from './run-validation.js';
import type { ValidationDetail } from './validation-details.js';

/**
 * Builds an instance of `dto` from parsed JSON (a request body, a WebSocket message) and
 * validates it with class-validator. Properties marked `@Nested`/`@ArrayOf` become instances of
 * their classes; values are never coerced (`'5'` stays a string and fails `@IsInt()`).
 * Unknown properties are stripped (`whitelist`, default) or rejected (`forbidNonWhitelisted`).
 *
 * @throws KindlingError `VALIDATION_FAILED` (422) with {@link ValidationDetail}s as `details`,
 *   also when `plain` is not an object.
 * @example
 * ```ts
 * class CreateRoom { @IsString() @Length(1, 64) name!: string; }
 * const room = await validateDto(CreateRoom, JSON.parse(text)); // room instanceof CreateRoom
 * ```
 */
export async function validateDto<T extends object>(dto: DtoClass<T>, plain: unknown, options: DtoOptions = {}): Promise<T> {
  if (!isObjectRecord(plain)) throw notAnObject(plain);
  const instance = toInstance(dto, plain);
  await runValidation(instance, options, undefined);
  return instance;
}

function toInstance<T extends object>(dto: DtoClass<T>, plain: Readonly<Record<string, unknown>>): T {
  const { nested } = planFor(dto);
  const instance = new dto();
  for (const key of Object.keys(plain)) {
    const cls = nested.get(key);
    assignProperty(instance, key, cls === undefined ? plain[key] : toNested(cls, plain[key]));
  }
  return instance;
}

// Anything that is not an object is left for the validators to report.
function toNested(cls: DtoClass<object>, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isObjectRecord(item) ? toInstance(cls, item) : item));
  return isObjectRecord(value) ? toInstance(cls, value) : value;
}

function isObjectRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(value: unknown): KindlingError {
  const got = value === null || value === undefined ? String(value) : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  const message = `expected a JSON object, got ${got}`;
  const detail: ValidationDetail = { property: '', constraints: { isObject: message } };
  return new KindlingError('VALIDATION_FAILED', { message: `Validation failed: ${message}`, details: [detail] });
}
