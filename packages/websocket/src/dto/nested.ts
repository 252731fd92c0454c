import { IsArray, IsObject, ValidateNested } from 'class-validator';
import type { DtoClass } from './dto-class.js';

type ClassFactory = () => DtoClass<object>;

// Keyed by prototype so a subclass sees its parents' nested properties through the chain.
const nestedByPrototype = new WeakMap<object, Map<string, ClassFactory>>();

function register(target: object, key: string | symbol, factory: ClassFactory, decorator: string): string {
  if (typeof key !== 'string') throw new TypeError(`@${decorator}() supports string property names only`);
  let own = nestedByPrototype.get(target);
  if (own === undefined) {
    own = new Map();
    nestedByPrototype.set(target, own);
  }
  own.set(key, factory);
  return key;
}

/**
 * Marks a property as one nested DTO object: JSON input for it is built into an instance of
 * the class and validated with it (this decorator applies `@ValidateNested()` and
 * `@IsObject()` itself). Kindling's equivalent of class-transformer's `@Type(() => Cls)`.
 * The factory is called lazily, so classes declared later in the file work.
 *
 * @example
 * ```ts
 * class Address { @IsString() city!: string; }
 * class CreateUser {
 *   @Nested(() => Address) address!: Address;
 * }
 * ```
 */
export function Nested<T extends object>(type: () => DtoClass<T>): PropertyDecorator {
  return (target, key) => {
    register(target, key, type, 'Nested');
    ValidateNested()(target, key);
    IsObject()(target, key);
  };
}

/**
 * Marks a property as an array of nested DTO objects: each object element is built into an
 * instance of the class and validated with it (this decorator applies `@IsArray()`,
 * `@IsObject({ each: true })` and `@ValidateNested({ each: true })` itself).
 *
 * @example
 * ```ts
 * class Item { @IsInt() qty!: number; }
 * class Order {
 *   @ArrayOf(() => Item) @ArrayMaxSize(100) items!: Item[];
 * }
 * ```
 */
export function ArrayOf<T extends object>(type: () => DtoClass<T>): PropertyDecorator {
  return (target, key) => {
    register(target, key, type, 'ArrayOf');
    IsArray()(target, key);
    IsObject({ each: true })(target, key);
    ValidateNested({ each: true })(target, key);
  };
}

/** The class registered with `@Nested`/`@ArrayOf` for `key` on `dto` or one of its parents. */
export function nestedClassOf(dto: DtoClass<object>, key: string): DtoClass<object> | undefined {
  for (let proto: unknown = dto.prototype; proto !== null && proto !== Object.prototype; ) {
    if (typeof proto !== 'object') return undefined;
    const factory = nestedByPrototype.get(proto)?.get(key);
    if (factory !== undefined) return factory();
    proto = Object.getPrototypeOf(proto);
  }
  return undefined;
}
