import { randomBytes } from 'node:crypto';
import {
  decideUpgrade,
  resolveRequestId,
  type AnyExtractor,
  type Logger,
  type Middleware,
  type RequestContext,
  type Response,
  type SharedContext,
  type UpgradeRoute,
} from '@kindling/core';
import type { RejectedUpgrade } from './pending-websocket.js';

/** What the in-memory upgrade needs to know about the route. */
export interface InMemoryRoute {
  /** The route pattern, e.g. `/rooms/{room}` (`ctx.route`). */
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly middleware: readonly Middleware[];
  readonly shared: SharedContext;
  /** The route's `protocols`, `origins` and `requireOrigin`, as the server applies them. */
  readonly options: UpgradeRoute['options'];
}

/** The request the in-memory upgrade stands for. */
export interface InMemoryRequest {
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
}

/** What the upgrade came to: the extracted values and context, or an HTTP rejection. */
export type InMemoryUpgradeResult =
  | { readonly kind: 'accept'; readonly values: unknown[]; readonly ctx: RequestContext }
  | { readonly kind: 'reject'; readonly response: RejectedUpgrade; readonly code: string | undefined };

/** Request headers of a WebSocket handshake, merged under the test's own. */
export function handshakeHeaders(headers: Readonly<Record<string, string>>, offered: readonly string[]): Record<string, string> {
  return {
    host: '127.0.0.1',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-version': '13',
    'sec-websocket-key': randomBytes(16).toString('base64'),
    ...(offered.length > 0 ? { 'sec-websocket-protocol': offered.join(', ') } : {}),
    ...headers,
  };
}

/**
 * Decides an in-memory upgrade with core's own `decideUpgrade` (origin allowlist, subprotocol,
 * middleware, extractors): the extracted values in order, or the HTTP rejection the server
 * would send.
 */
export async function runInMemoryUpgrade(route: InMemoryRoute, request: InMemoryRequest, logger: Logger): Promise<InMemoryUpgradeResult> {
  const parts = { method: 'GET', path: request.path, rawQuery: request.rawQuery, headers: request.headers, remoteAddress: request.remoteAddress };
  const requestId = resolveRequestId(request.headers['x-request-id']);
  const decision = await decideUpgrade(
    { pattern: route.pattern, extractors: route.extractors, middleware: route.middleware, shared: route.shared, options: route.options },
    { parts, params: request.params, requestId },
    logger,
  );
  if (decision.accepted) return { kind: 'accept', values: decision.values, ctx: decision.ctx };
  return reject(route, decision.ctx, decision.response, decision.code, logger);
}

function reject(route: InMemoryRoute, ctx: RequestContext, response: Response, code: string | undefined, logger: Logger): InMemoryUpgradeResult {
  const body = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8');
  const headers: Record<string, string> = { ...response.headers, 'x-request-id': ctx.requestId };
  logger.info({ event: 'ws.reject', status: response.status, code, route: route.pattern, path: ctx.path, requestId: ctx.requestId }, 'ws.reject');
  return { kind: 'reject', code, response: { status: response.status, headers, body, json: <T>() => JSON.parse(body) as T } };
}
