import { assignProperty } from './assign-property.js';
import type { DtoClass, DtoOptions } from './dto-class.js';
import { planFor, untypedPropertiesError, type ScalarKind } from './property-types.js';
import { runValidation } from './run-validation.js';
import type { ValidationDetail } from './validation-details.js';

/** Options for {@link coerceStringRecord}. */
export interface CoerceOptions extends DtoOptions {
  /**
   * HTTP status of the `VALIDATION_FAILED` error.
   * @default 400
   */
  status?: number;
}

// Plain decimal notation only: no hex, no surrounding blanks, no `Infinity`.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// ISO 8601 date or date-time; other formats are parsed differently by different engines.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Builds an instance of `dto` from string data (path params, query strings, headers, cookies),
 * converting each value to its property's declared type, then validates it like
 * {@link validateDto}. Types come from `design:type` when the compiler emitted decorator
 * metadata and otherwise from the validators (`@IsInt`/`@IsNumber`/`@Min` → number,
 * `@IsBoolean` → boolean, `@IsDate` → Date, `@IsArray`/`{ each: true }` → array).
 *
 * - number: `'12'`, `'-1.5'`, `'1e3'`; anything else (`''`, `'abc'`, `'0x1f'`) stays a string.
 * - boolean: `'true'`/`'1'` → true, `'false'`/`'0'` → false; anything else stays a string.
 * - Date: ISO 8601 (`'2024-05-01'`, `'2024-05-01T10:00:00Z'`); anything else stays a string.
 * - array: a single value becomes `[value]`, repeated keys give every value, each converted.
 * - a repeated key for a scalar property is a failure ("expected a single value"), never
 *   silently the first or the last value.
 *
 * A scalar property whose type only decorator metadata could tell (no type validator, no
 * `design:type`, as under esbuild, tsx and vitest) is a `TypeError` naming the class, the
 * property and the fix; the extractors check it when the route is declared
 * (`prepareDto(dto, { fromStrings: true })`), so it never reaches a request.
 *
 * @throws KindlingError `VALIDATION_FAILED` with `status` (default 400) and
 *   {@link ValidationDetail}s as `details`.
 * @example
 * ```ts
 * class Page { @IsInt() @Min(1) page!: number; @IsOptional() @IsString({ each: true }) tag?: string[]; }
 * await coerceStringRecord(Page, { page: '2', tag: ['a', 'b'] }); // { page: 2, tag: ['a', 'b'] }
 * ```
 */
export async function coerceStringRecord<T extends object>(
  dto: DtoClass<T>,
  raw: Readonly<Record<string, string | readonly string[]>>,
  options: CoerceOptions = {},
): Promise<T> {
  const { properties, untyped } = planFor(dto);
  if (untyped.length > 0) throw untypedPropertiesError(dto, untyped);
  const instance = new dto();
  const duplicates: ValidationDetail[] = [];
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (value === undefined) continue;
    const plan = properties.get(key);
    if (plan === undefined) {
      assignProperty(instance, key, value);
    } else if (plan.array) {
      const values: readonly string[] = typeof value === 'string' ? [value] : value;
      assignProperty(
        instance,
        key,
        values.map((v) => coerceScalar(v, plan.kind)),
      );
    } else if (typeof value === 'string') {
      assignProperty(instance, key, coerceScalar(value, plan.kind));
    } else if (value.length > 1) {
      const message = `${key} expected a single value but received ${value.length}`;
      duplicates.push({ property: key, constraints: { isSingleValue: message } });
    } else if (value[0] !== undefined) {
      assignProperty(instance, key, coerceScalar(value[0], plan.kind));
    }
  }
  await runValidation(instance, options, options.status ?? 400, duplicates);
  return instance;
}

/** Converts one string to `kind`, or returns it unchanged when it does not read as one. */
export function coerceScalar(value: string, kind: ScalarKind): unknown {
  switch (kind) {
    case 'number':
      return NUMBER.test(value) ? Number(value) : value;
    case 'boolean':
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return value;
    case 'date': {
      if (!ISO_DATE.test(value) || !isCalendarDate(value)) return value;
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : date;
    }
    case 'string':
    case 'unknown':
      return value;
  }
}

// `new Date('2024-02-30')` rolls over to March 1; such a string is not a date.
function isCalendarDate(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
