import type { RequestContext } from '../request/request-context.js';

/**
 * Where an extractor reads from. `'body'` extractors read the HTTP body: they are only valid
 * on HTTP routes and must come last (the body can be read once).
 */
export type ExtractorSource = 'request' | 'body' | 'path';

/**
 * A typed value read from a request before the handler runs (and, for WebSocket routes, before
 * the upgrade). `T` is the value's type; the handler's parameters are inferred from it.
 * Extractors may be sync or async: sync ones cost no promise.
 *
 * @example
 * ```ts
 * const CurrentUser = createExtractor('CurrentUser', async (ctx) => {
 *   const user = await users.byToken(ctx.header('authorization'));
 *   if (!user) throw new Unauthorized('Bad token');
 *   return user;
 * });
 * ```
 */
export interface Extractor<T, TSource extends ExtractorSource = ExtractorSource> {
  /** A readable name used in error messages and logs, e.g. `Query(WsQuery)`. */
  readonly name: string;
  readonly source: TSource;
  /** Reads the value; throws a `KindlingError` (e.g. `new Unauthorized()`) to reject the request. */
  extract(ctx: RequestContext): T | Promise<T>;
  /** Phantom: never set at run time, carries `T` for inference. */
  readonly __value?: T;
}

/** Any extractor (for constraints). */
export type AnyExtractor = Extractor<unknown>;

/**
 * Defines a user extractor. Throw a `KindlingError` (e.g. `new Unauthorized()`) to reject the
 * request with its status; for upgrades the client never sees a 101.
 *
 * @example
 * ```ts
 * const ApiKey = createExtractor('ApiKey', (ctx) => {
 *   const key = ctx.header('x-api-key');
 *   if (!key) throw new Unauthorized('Missing API key');
 *   return key;
 * });
 * router.websocket('/feed', [ApiKey], (key, ws) => ws.sendText(key));
 * ```
 */
export function createExtractor<T>(name: string, extract: (ctx: RequestContext) => T | Promise<T>): Extractor<T, 'request'> {
  return { name, source: 'request', extract };
}

/** Runs extractors in order; sync ones inline, async ones awaited. */
export function runExtractors(extractors: readonly AnyExtractor[], ctx: RequestContext): unknown[] | Promise<unknown[]> {
  const values: unknown[] = new Array(extractors.length);
  for (let i = 0; i < extractors.length; i++) {
    const value = (extractors[i] as AnyExtractor).extract(ctx);
    if (isPromise(value)) return finishAsync(extractors, ctx, values, i, value);
    values[i] = value;
  }
  return values;
}

async function finishAsync(
  extractors: readonly AnyExtractor[],
  ctx: RequestContext,
  values: unknown[],
  index: number,
  pending: Promise<unknown>,
): Promise<unknown[]> {
  values[index] = await pending;
  for (let i = index + 1; i < extractors.length; i++) values[i] = await (extractors[i] as AnyExtractor).extract(ctx);
  return values;
}

/** True for promises and thenables. */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
