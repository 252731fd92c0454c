import type { AnyExtractor } from '../extract/extractor.js';
import type { DtoClass } from '../extract/dto-class.js';
import { methodMeta, type ParamSource } from './metadata.js';

/**
 * A decorator for one parameter of a controller method. TypeScript calls it with the
 * prototype, the method name and the parameter's index.
 */
export type ParamDecorator = (target: object, propertyKey: string | symbol | undefined, parameterIndex: number) => void;

/**
 * An extractor that is also a parameter decorator: `Query(WsQuery)` goes in a route's
 * extractor list, `@Query(WsQuery)` on a controller method's parameter. Both build the same
 * extractor. See docs/controllers.md.
 */
export type ExtractorDecorator<E extends AnyExtractor> = E & ParamDecorator;

/** Builds the decorator that records `source` for the parameter it decorates. */
export function paramDecorator(source: ParamSource): ParamDecorator {
  return (target, propertyKey, parameterIndex) => recordParam(target, propertyKey, parameterIndex, source);
}

/** An extractor that, as a decorator, hands itself to the parameter. */
export function usableAsDecorator<E extends AnyExtractor>(extractor: E): ExtractorDecorator<E> {
  return merge(extractor, { kind: 'extractor', label: `@${extractor.name}`, extractor });
}

/**
 * An extractor that, as a decorator, takes its DTO class from the parameter's declared type
 * (`@Query() q: WsQuery` becomes `Query(WsQuery)`). In a route's extractor list it is
 * `extractor` itself.
 */
export function declaredAsDecorator<E extends AnyExtractor>(extractor: E, kind: string, build: (dto: DtoClass) => AnyExtractor): ExtractorDecorator<E> {
  return merge(extractor, { kind: 'declared', label: `@${kind}()`, build });
}

/** True for the `Object` marker that asks a decorator for the raw, unvalidated record. */
export function isRawMarker(value: unknown): value is ObjectConstructor {
  return value === Object;
}

function merge<E extends AnyExtractor>(extractor: E, source: ParamSource): ExtractorDecorator<E> {
  const decorate: ParamDecorator = (target, propertyKey, parameterIndex) => recordParam(target, propertyKey, parameterIndex, source);
  // A function's `name` is read-only but configurable, so every property is defined, not assigned.
  for (const key of Reflect.ownKeys(extractor)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(extractor, key);
    if (descriptor) Reflect.defineProperty(decorate, key, descriptor);
  }
  return decorate as ExtractorDecorator<E>;
}

function recordParam(target: object, propertyKey: string | symbol | undefined, index: number, source: ParamSource): void {
  const method = methodMeta(target, propertyKey, source.label);
  const earlier = method.params.get(index);
  if (earlier) {
    const where = `${(target as { constructor: { name: string } }).constructor.name}.${method.name}()`;
    throw new TypeError(`${source.label} and ${earlier.label} both decorate parameter ${index} of ${where}: a parameter takes one decorator`);
  }
  method.params.set(index, source);
}
