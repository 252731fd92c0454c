import type { Logger } from 'pino';
import { toKindlingError, type IdSource } from '@kindling/websocket';
import { OriginNotAllowed } from '../errors/rejections.js';
import { isPromise, runExtractors, type AnyExtractor } from '../extract/extractor.js';
import { runMiddleware, type Middleware } from '../middleware.js';
import { RequestContext, type SharedContext } from '../request/request-context.js';
import type { RequestParts } from '../request/request-parts.js';
import { errorToResponse } from '../response/error-response.js';
import { Response } from '../response/response.js';
import { originAllowed, selectProtocol } from './origin.js';

/** What deciding an upgrade needs to know about its route. */
export interface UpgradeRoute {
  /** The route pattern, e.g. `/rooms/{room}`. */
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly middleware: readonly Middleware[];
  readonly shared: SharedContext;
  readonly options: {
    readonly protocols?: readonly string[] | undefined;
    readonly origins?: readonly string[] | ((origin: string | undefined) => boolean) | undefined;
    readonly requireOrigin?: boolean | undefined;
  };
}

/** The request being upgraded, already matched to its route. */
export interface UpgradeRequest {
  readonly parts: RequestParts;
  readonly params: Readonly<Record<string, string>>;
  /** The request id, or the serial standing for a new one (see `resolveRequestIdSource`). */
  readonly requestId: IdSource;
}

/** Accept with the extracted values (in extractor order), or refuse with the response to send. */
export type UpgradeDecision =
  | { readonly accepted: true; readonly ctx: RequestContext; readonly values: unknown[] }
  | { readonly accepted: false; readonly ctx: RequestContext; readonly response: Response; readonly code: string | undefined };

/**
 * Decides an upgrade the way the server does, without a socket: origin allowlist, subprotocol,
 * middleware, then the extractors in order. A thrown error becomes its HTTP status and JSON body;
 * a `Response` returned by middleware is the refusal. Sync all the way when middleware is absent
 * and every extractor is sync, so the server's fast path costs no promise. The in-memory test
 * harness of `@kindling/testing` runs this same function.
 */
export function decideUpgrade(route: UpgradeRoute, request: UpgradeRequest, log: Logger): UpgradeDecision | Promise<UpgradeDecision> {
  const { parts } = request;
  const ctx = new RequestContext(parts, route.shared, { isUpgrade: true, requestId: request.requestId, logger: log });
  ctx.params = request.params;
  ctx.route = route.pattern;
  const refuse = (err: unknown): UpgradeDecision => {
    const error = toKindlingError(err);
    return { accepted: false, ctx, response: errorToResponse(error, ctx.log), code: error.code };
  };
  try {
    if (!originAllowed(route.options, parts.headers['origin'])) throw new OriginNotAllowed(parts.headers['origin']);
    ctx.protocol = selectProtocol(route.options.protocols, parts.headers['sec-websocket-protocol']);
    if (route.middleware.length === 0) {
      const values = runExtractors(route.extractors, ctx);
      if (!isPromise(values)) return { accepted: true, ctx, values };
      return values.then((v): UpgradeDecision => ({ accepted: true, ctx, values: v }), refuse);
    }
  } catch (err) {
    return refuse(err);
  }
  let values: unknown[] = [];
  // A fresh marker per upgrade: middleware may mutate what next() gave it.
  const accepted = new Response(undefined, 101);
  return runMiddleware(route.middleware, ctx, async () => {
    values = await runExtractors(route.extractors, ctx);
    return accepted;
  }).then(
    (response): UpgradeDecision => (response === accepted ? { accepted: true, ctx, values } : { accepted: false, ctx, response, code: undefined }),
    refuse,
  );
}
