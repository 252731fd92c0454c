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
  /**
   * Scalar properties whose type neither a validator nor decorator metadata names. Converting
   * strings into them would depend on the build tool (tsc emits `design:type`, esbuild does
   * not), so a DTO built from strings must have none; see {@link prepareDto}.
   */
  readonly untyped: readonly string[];
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

// class-validator's string validators (its decorator/string/ folder) reject anything but a
// string, so a property that carries one is a string whatever else is (or is not) declared.
const STRING_VALIDATORS: ReadonlySet<string> = new Set([
  'contains',
  'notContains',
  'matches',
  'isLength',
  'minLength',
  'maxLength',
  'isByteLength',
  'isAlpha',
  'isAlphanumeric',
  'isAscii',
  'isBIC',
  'isBase32',
  'isBase58',
  'isBase64',
  'isBooleanString',
  'isBtcAddress',
  'isCreditCard',
  'isCurrency',
  'isDataURI',
  'isDateString',
  'isDecimal',
  'isEAN',
  'isEmail',
  'isEthereumAddress',
  'isFqdn',
  'IsFirebasePushId',
  'isFullWidth',
  'isHSL',
  'isHalfWidth',
  'isHash',
  'isHexColor',
  'isHexadecimal',
  'isIBAN',
  'isIp',
  'isIsbn',
  'isIsin',
  'isISO31661Alpha2',
  'isISO31661Alpha3',
  'isISO31661Numeric',
  'isIso8601',
  'isISRC',
  'isISSN',
  'isIdentityCard',
  'isJson',
  'isJwt',
  'isLocale',
  'isLowercase',
  'isMacAddress',
  'isMagnetURI',
  'isMilitaryTime',
  'isMimeType',
  'isMobilePhone',
  'isMongoId',
  'isMultibyte',
  'isNumberString',
  'isOctal',
  'isPassportNumber',
  'isPhoneNumber',
  'isPort',
  'isPostalCode',
  'isRFC3339',
  'isRgbColor',
  'isSemVer',
  'isStrongPassword',
  'isSurrogatePair',
  'isTimeZone',
  'isUuid',
  'isUppercase',
  'isUrl',
  'isVariableWidth',
  'isISO4217CurrencyCode',
  'isTaxId',
  'isISO6391',
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
const NOT_A_DTO: ReadonlySet<unknown> = new Set<unknown>([Object, Array, Function, Number, Boolean, String, Date, Symbol, BigInt, Promise, Map, Set, RegExp]);

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

/** Options for {@link prepareDto}. */
export interface PrepareDtoOptions {
  /**
   * The DTO is built from strings (path, query, headers, cookies) with
   * {@link coerceStringRecord}, so every scalar property needs a type Kindling can read
   * without decorator metadata.
   * @default false
   */
  fromStrings?: boolean;
}

/**
 * Checks a DTO class now and caches its plan, so a mistake fails at start-up rather than on
 * the first request: `@ValidateNested()` with no known class, and, with `fromStrings`, a
 * property whose type only decorator metadata could tell.
 *
 * @example
 * ```ts
 * prepareDto(CreateRoom); // throws if CreateRoom.owner has @ValidateNested() but no @Nested()
 * prepareDto(WsQuery, { fromStrings: true }); // throws if WsQuery.since has no type validator
 * ```
 */
export function prepareDto(dto: DtoClass<object>, options: PrepareDtoOptions = {}): void {
  const plan = planFor(dto);
  if (options.fromStrings && plan.untyped.length > 0) throw untypedPropertiesError(dto, plan.untyped);
}

/**
 * The start-up error for string DTO properties whose type is unknown without decorator
 * metadata. Under tsc (`emitDecoratorMetadata`) `design:type` names it; esbuild, tsx and
 * vitest emit none, and the string would silently stay a string there but become a number
 * or boolean under tsc. One explicit type validator makes both builds agree.
 */
export function untypedPropertiesError(dto: DtoClass<object>, untyped: readonly string[]): TypeError {
  const names = untyped.map((name) => `${dto.name}.${name}`).join(', ');
  const subject = untyped.length === 1 ? `${names} has` : `${names} have`;
  return new TypeError(
    `${subject} no type Kindling can read: no validator names one and the compiler emitted no ` +
      'decorator metadata (esbuild, tsx and vitest do not), so the value would be converted ' +
      'differently by different build tools. Add an explicit type decorator such as @IsString(), ' +
      '@IsInt(), @IsNumber(), @IsBoolean() or @IsDate() to the property.',
  );
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
  const untyped: string[] = [];
  for (const [name, metas] of byProperty) {
    // Present only when the compiler emitted decorator metadata (tsc does; esbuild does not).
    const designType: unknown = Reflect.getMetadata('design:type', dto.prototype, name);
    const plan = propertyPlan(designType, metas);
    properties.set(name, plan);
    const nestedClass = nestedClassFor(dto, name, designType, metas);
    if (nestedClass !== undefined) nested.set(name, nestedClass);
    else if (designType === undefined && plan.kind === 'unknown' && !plan.array) untyped.push(name);
  }
  return { properties, nested, untyped };
}

function propertyPlan(designType: unknown, metas: readonly ValidationMetadata[]): PropertyPlan {
  const declared = KIND_BY_DESIGN_TYPE.get(designType);
  if (declared !== undefined) return { kind: declared, array: false };
  const array = designType === Array || metas.some((m) => m.each || (m.name !== undefined && ARRAY_VALIDATORS.has(m.name)));
  return { kind: kindFromValidators(metas, array), array };
}

/** The one kind the validators agree on; `unknown` when there is none or they disagree. */
function kindFromValidators(metas: readonly ValidationMetadata[], each: boolean): ScalarKind {
  let kind: ScalarKind = 'unknown';
  let stringOnly = false;
  for (const meta of metas) {
    if (meta.type !== 'customValidation' || meta.name === undefined || meta.each !== each) continue;
    stringOnly ||= STRING_VALIDATORS.has(meta.name);
    const hinted = KIND_BY_VALIDATOR.get(meta.name);
    if (hinted === undefined || hinted === kind) continue;
    if (kind !== 'unknown') return 'unknown';
    kind = hinted;
  }
  return kind === 'unknown' && stringOnly ? 'string' : kind;
}

function nestedClassFor(dto: DtoClass<object>, name: string, designType: unknown, metas: readonly ValidationMetadata[]): DtoClass<object> | undefined {
  const registered = nestedClassOf(dto, name);
  if (registered !== undefined) return registered;
  const nestedMeta = metas.find((m) => m.type === 'nestedValidation');
  if (nestedMeta === undefined) return undefined;
  if (!nestedMeta.each && isDtoClass(designType)) return designType;
  // Without a class the JSON object would be validated against nothing and always pass.
  const fix = nestedMeta.each || designType === Array ? `@ArrayOf(() => ItemClass)` : `@Nested(() => ItemClass)`;
  throw new TypeError(`${dto.name}.${name} has @ValidateNested() but its class is unknown; add ${fix} to the property`);
}

function isDtoClass(value: unknown): value is DtoClass<object> {
  return typeof value === 'function' && !NOT_A_DTO.has(value);
}
