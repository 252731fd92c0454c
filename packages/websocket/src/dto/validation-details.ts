import type { ValidationError } from 'class-validator';

/**
 * One failed property in a `VALIDATION_FAILED` error's `details`. Nested properties have
 * dotted paths (`address.city`, `items.0.qty`); the root object itself is `''`.
 *
 * @example
 * ```ts
 * { property: 'age', constraints: { isInt: 'age must be an integer number' }, value: 'x' }
 * ```
 */
export interface ValidationDetail {
  /** Dotted path of the property. */
  readonly property: string;
  /** Failed constraint name → message, as class-validator words it. */
  readonly constraints: Readonly<Record<string, string>>;
  /** The rejected value, present only when it is a string, number, boolean or null. */
  readonly value?: string | number | boolean | null;
}

type Primitive = string | number | boolean | null;

/**
 * Flattens class-validator errors into {@link ValidationDetail}s: one entry per property path
 * (constraints of repeated decorators merged), no targets, no class-validator internals.
 */
export function toValidationDetails(errors: readonly ValidationError[]): ValidationDetail[] {
  const byPath = new Map<string, { constraints: Record<string, string>; value: unknown }>();
  const visit = (error: ValidationError, prefix: string): void => {
    const path = prefix === '' ? error.property : `${prefix}.${error.property}`;
    if (error.constraints !== undefined && Object.keys(error.constraints).length > 0) {
      const seen = byPath.get(path);
      if (seen === undefined) byPath.set(path, { constraints: { ...error.constraints }, value: error.value });
      else Object.assign(seen.constraints, error.constraints);
    }
    for (const child of error.children ?? []) visit(child, path);
  };
  for (const error of errors) visit(error, '');
  const details: ValidationDetail[] = [];
  for (const [property, { constraints, value }] of byPath) {
    details.push(isPrimitive(value) ? { property, constraints, value } : { property, constraints });
  }
  return details;
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
