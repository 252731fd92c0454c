import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import type { DtoClass } from './dto-class.js';
import { nestedClassOf } from './nested.js';

/** The type a string value is converted to. `unknown` leaves the string as it is. */
export type ScalarKind = 'string' | 'number' | 'boolean' | 'date' | 'unknown';

/** How one DTO property is filled from strings: its scalar kind and whether it is an array. */
export interface PropertyPlan {
  /** The property's type, or its elements' type when `array` is true. */
  readonly kind: ScalarKind;
  readonly array: boolean;
}

/** Everything about a DTO class that conversion needs, computed once per class. */
export interface DtoPlan {
  /** Every property that carries a class-validator decorator. */
  readonly properties: ReadonlyMap<string, PropertyPlan>;
  /** Properties whose JSON objects become instances of a nested DTO class. */
  readonly nested: ReadonlyMap<string, DtoClass<object>>;
}

// class-validator does not export this type from its entry point.
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

const KIND_BY_VALIDATOR: ReadonlyMap<string, ScalarKind> = new Map<string, ScalarKind>([
  ['isInt', 'number'],
  ['isNumber', 'number'],
  ['min', 'number'],
  ['max', 'number'],
  ['isPositive', 'number'],
  ['isNegative', 'number'],
  ['isDivisibleBy', 'number'],
  ['isBoolean', 'boolean'],
  ['isDate', 'date'],
  ['minDate', 'date'],
  ['maxDate', 'date'],
  ['isString', 'string'],
]);

const ARRAY_VALIDATORS: ReadonlySet<string> = new Set([
  'isArray',
  'arrayContains',
  'arrayNotContains',
  'arrayNotEmpty',
  'arrayMinSize',
  'arrayMaxSize',
  'arrayUnique',
]);

const KIND_BY_DESIGN_TYPE: ReadonlyMap<unknown, ScalarKind> = new Map<unknown, ScalarKind>([
  [Number, 'number'],
  [Boolean, 'boolean'],
  [String, 'string'],
  [Date, 'date'],
]);

// Constructors `design:type` emits for types that are not a DTO class.
const NOT_A_DTO: ReadonlySet<unknown> = new Set<unknown>([
  Object, Array, Function, Number, Boolean, String, Date, Symbol, BigInt, Promise, Map, Set, RegExp,
]);

const plans = new WeakMap<DtoClass<object>, DtoPlan>();

/**
 * The conversion plan of `dto`, built on first use and cached per class, so a request only
 * pays for the conversion itself. Throws a configuration error for a nested property whose
 * class cannot be known.
 */
export function planFor(dto: DtoClass<object>): DtoPlan {
  let plan = plans.get(dto);
  if (plan === undefined) {
    plan = buildPlan(dto);
    plans.set(dto, plan);
  }
  return plan;
}

/**
 * Checks a DTO class now and caches its plan, so a mistake (such as `@ValidateNested()` with no
 * known class) fails at start-up rather than on the first request.
 *
 * @example
 * ```ts
 * prepareDto(CreateRoom); // throws if CreateRoom.owner has @ValidateNested() but no @Nested()
 * ```
 */
export function prepareDto(dto: DtoClass<object>): void {
  planFor(dto);
}

function buildPlan(dto: DtoClass<object>): DtoPlan {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const list = byProperty.get(meta.propertyName);
    if (list === undefined) byProperty.set(meta.propertyName, [meta]);
    else list.push(meta);
  }
  const properties = new Map<string, PropertyPlan>();
  const nested = new Map<string, DtoClass<object>>();
  for (const [name, metas] of byProperty) {
    // Present only when the compiler emitted decorator metadata (tsc does; esbuild does not).
    const designType: unknown = Reflect.getMetadata('design:type', dto.prototype, name);
    properties.set(name, propertyPlan(designType, metas));
    const nestedClass = nestedClassFor(dto, name, designType, metas);
    if (nestedClass !== undefined) nested.set(name, nestedClass);
  }
  return { properties, nested };
}

function propertyPlan(designType: unknown, metas: readonly ValidationMetadata[]): PropertyPlan {
  const declared = KIND_BY_DESIGN_TYPE.get(designType);
  if (declared !== undefined) return { kind: declared, array: false };
  const array =
    designType === Array ||
    metas.some((m) => m.each || (m.name !== undefined && ARRAY_VALIDATORS.has(m.name)));
  return { kind: kindFromValidators(metas, array), array };
}

/** The one kind the validators agree on; `unknown` when there is none or they disagree. */
function kindFromValidators(metas: readonly ValidationMetadata[], each: boolean): ScalarKind {
  let kind: ScalarKind = 'unknown';
  for (const meta of metas) {
    if (meta.type !== 'customValidation' || meta.name === undefined || meta.each !== each) continue;
    const hinted = KIND_BY_VALIDATOR.get(meta.name);
    if (hinted === undefined || hinted === kind) continue;
    if (kind !== 'unknown') return 'unknown';
    kind = hinted;
  }
  return kind;
}

function nestedClassFor(
  dto: DtoClass<object>,
  name: string,
  designType: unknown,
  metas: readonly ValidationMetadata[],
): DtoClass<object> | undefined {
  const registered = nestedClassOf(dto, name);
  if (registered !== undefined) return registered;
  const nestedMeta = metas.find((m) => m.type === 'nestedValidation');
  if (nestedMeta === undefined) return undefined;
  if (!nestedMeta.each && isDtoClass(designType)) return designType;
  // Without a class the JSON object would be validated against nothing and always pass.
  const fix = nestedMeta.each || designType === Array ? `@ArrayOf(() => ItemClass)` : `@Nested(() => ItemClass)`;
  throw new TypeError(
    `${dto.name}.${name} has @ValidateNested() but its class is unknown; add ${fix} to the property`,
  );
}

function isDtoClass(value: unknown): value is DtoClass<object> {
  return typeof value === 'function' && !NOT_A_DTO.has(value);
}
