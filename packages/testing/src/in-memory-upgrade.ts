import { randomBytes, randomUUID } from 'node:crypto';
import { RequestContext, Response, type AnyExtractor, type Logger, type Middleware, type SharedContext } from '@kindling/core';
import { ERROR_CODES, toKindlingError } from '@kindling/websocket';
import type { RejectedUpgrade } from './pending-websocket.js';

/** What the in-memory upgrade needs to know about the route. */
export interface InMemoryRoute {
  /** The route pattern, e.g. `/rooms/{room}` (`ctx.route`). */
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly middleware: readonly Middleware[];
  readonly shared: SharedContext;
  /** The route's subprotocols in preference order. */
  readonly protocols: readonly string[] | undefined;
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

const ACCEPTED = new Response(undefined, 101);
const WELL_FORMED_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

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
 * Runs a WebSocket route's middleware and extractors on an in-memory request, the way the
 * server does before an upgrade: a thrown error or a middleware response becomes the HTTP
 * rejection (status + JSON error body); otherwise the extracted values, in order.
 */
export async function runInMemoryUpgrade(route: InMemoryRoute, request: InMemoryRequest, logger: Logger): Promise<InMemoryUpgradeResult> {
  const incomingId = request.headers['x-request-id'];
  const requestId = incomingId !== undefined && WELL_FORMED_ID.test(incomingId) ? incomingId : randomUUID();
  const parts = { method: 'GET', path: request.path, rawQuery: request.rawQuery, headers: request.headers, remoteAddress: request.remoteAddress };
  const ctx = new RequestContext(parts, route.shared, { isUpgrade: true, requestId, logger });
  ctx.params = request.params;
  ctx.route = route.pattern;
  ctx.protocol = selectProtocol(route.protocols, request.headers['sec-websocket-protocol']);
  let values: unknown[] = [];
  try {
    const response = await runMiddleware(route.middleware, ctx, async () => {
      values = await extractAll(route.extractors, ctx);
      return ACCEPTED;
    });
    if (response === ACCEPTED) return { kind: 'accept', values, ctx };
    return reject(route, ctx, response, undefined, logger);
  } catch (err) {
    const error = toKindlingError(err);
    if (error.code === 'INTERNAL') {
      logger.error({ err: error.cause ?? error }, 'unhandled error in request');
      return reject(route, ctx, Response.json({ error: { code: 'INTERNAL', message: ERROR_CODES.INTERNAL.message } }, error.status), error.code, logger);
    }
    const response = Response.json(error.toJSON(), error.status);
    for (const [name, value] of Object.entries(error.headers)) response.header(name, value);
    return reject(route, ctx, response, error.code, logger);
  }
}

async function extractAll(extractors: readonly AnyExtractor[], ctx: RequestContext): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const extractor of extractors) values.push(await extractor.extract(ctx));
  return values;
}

function runMiddleware(middleware: readonly Middleware[], ctx: RequestContext, endpoint: () => Promise<Response>): Promise<Response> {
  const dispatch = async (index: number): Promise<Response> => {
    const mw = middleware[index];
    if (!mw) return endpoint();
    let downstream: Promise<Response> | undefined;
    const result = await mw(ctx, () => {
      if (downstream) throw new Error('next() called more than once in one middleware');
      downstream = dispatch(index + 1);
      return downstream;
    });
    if (result) return result;
    if (downstream) return downstream;
    throw new Error(`Middleware #${index + 1} neither returned a Response nor called next()`);
  };
  return dispatch(0);
}

function reject(route: InMemoryRoute, ctx: RequestContext, response: Response, code: string | undefined, logger: Logger): InMemoryUpgradeResult {
  const body = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8');
  const headers: Record<string, string> = { ...response.headers, 'x-request-id': ctx.requestId };
  logger.info({ event: 'ws.reject', status: response.status, code, route: route.pattern, path: ctx.path, requestId: ctx.requestId }, 'ws.reject');
  return { kind: 'reject', code, response: { status: response.status, headers, body, json: <T>() => JSON.parse(body) as T } };
}

function selectProtocol(preferred: readonly string[] | undefined, offered: string | undefined): string {
  if (!preferred || !offered) return '';
  const offers = offered.split(',').map((p) => p.trim());
  return preferred.find((p) => offers.includes(p)) ?? '';
}
