import { KindlingError } from '@kindling/websocket';

const warned = new Set<string>();

function warnOnce(name: string, message: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'KINDLING_DEP_ERROR_STYLE', detail: 'See docs/errors.md#throwing-errors.' });
}

/**
 * An error class that a call without `new` still builds, as the factory it replaced did
 * (`throw Unauthorized('...')`), with a one-time `DeprecationWarning`. With `new` it is the
 * class itself: `instanceof`, `extends` and `err.name` behave as for any class.
 */
export type CallableErrorClass<C extends abstract new (...args: never[]) => KindlingError> = C & {
  /** @deprecated Errors are classes: `throw new Unauthorized('...')`. Calling without `new` warns once. */
  (...args: ConstructorParameters<C>): InstanceType<C>;
};

/** Lets a call without `new` build the class, warning once per class. */
export function callableWithoutNew<C extends new (...args: never[]) => KindlingError>(cls: C): CallableErrorClass<C> {
  return new Proxy(cls, {
    apply(target, _this, args: unknown[]) {
      warnOnce(target.name, `${target.name}(...) without new is deprecated; errors are classes: throw new ${target.name}(...)`);
      return Reflect.construct(target, args);
    },
  }) as CallableErrorClass<C>;
}

/**
 * `HttpError`: the former name of {@link KindlingError}, kept so `new HttpError(code, options)`,
 * `extends HttpError` and `instanceof HttpError` keep working. It is the same class (an
 * `instanceof HttpError` check matches every Kindling error, validation failures included);
 * the first construction through this name warns once.
 *
 * @deprecated Use `KindlingError` (or a named class such as `Unauthorized`). See docs/errors.md.
 * @example
 * ```ts
 * throw new KindlingError('CONFLICT', { message: 'Name taken' }); // instead of new HttpError(...)
 * ```
 */
export const HttpError: typeof KindlingError = new Proxy(KindlingError, {
  construct(target, args: unknown[], newTarget: Function) {
    warnOnce('HttpError', 'HttpError is deprecated; it is KindlingError under its old name: throw new KindlingError(code, options)');
    return Reflect.construct(target, args, newTarget === HttpError ? target : newTarget) as object;
  },
});
/** @deprecated Use `KindlingError`. */
export type HttpError = KindlingError;
