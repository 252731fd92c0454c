import type { RequestContext } from './request/request-context.js';
import type { Response } from './response/response.js';

/** Continues the chain; resolves to the response further down (status 101 for an accepted upgrade). */
export type Next = () => Promise<Response>;

/**
 * Middleware runs for HTTP requests and WebSocket upgrades alike, before extractors. It may
 * return a `Response` to answer early (for an upgrade: a rejection, no 101), throw an
 * `KindlingError`, or call `next()` and return nothing to pass the downstream response on.
 * See docs/middleware.md.
 *
 * @example
 * ```ts
 * const requireKey: Middleware = async (ctx, next) => {
 *   if (ctx.header('x-api-key') !== 'secret') return Response.unauthorized();
 *   return next();
 * };
 * ```
 */
export type Middleware = (ctx: RequestContext, next: Next) => Response | void | Promise<Response | void>;

/** Runs `middleware` in order around `endpoint`. */
export function runMiddleware(middleware: readonly Middleware[], ctx: RequestContext, endpoint: () => Promise<Response>): Promise<Response> {
  const dispatch = async (index: number): Promise<Response> => {
    const mw = middleware[index];
    if (!mw) return endpoint();
    let downstream: Promise<Response> | undefined;
    const next: Next = () => {
      if (downstream) throw new Error('next() called more than once in one middleware');
      downstream = dispatch(index + 1);
      return downstream;
    };
    const result = await mw(ctx, next);
    if (result) return result;
    if (downstream) return downstream;
    throw new Error(`Middleware #${index + 1} neither returned a Response nor called next()`);
  };
  return dispatch(0);
}
