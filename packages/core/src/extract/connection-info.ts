import { usableAsDecorator, type ExtractorDecorator } from '../decorators/param-decorator.js';
import type { Extractor } from './extractor.js';

/**
 * The request id: a well-formed incoming `x-request-id` header, or a new UUID. It is echoed in
 * the `x-request-id` response header and bound to every log line of the request or connection.
 *
 * @example
 * ```ts
 * router.get('/id', [RequestId()], (id) => ({ id }));
 * ```
 */
export function RequestId(): ExtractorDecorator<Extractor<string, 'request'>> {
  return usableAsDecorator<Extractor<string, 'request'>>({ name: 'RequestId()', source: 'request', extract: (ctx) => ctx.requestId });
}

/**
 * The peer's IP address as seen by the socket (no proxy headers are trusted).
 *
 * @example
 * ```ts
 * router.websocket('/ws', [RemoteAddress()], (ip, ws) => ws.log.info({ ip }, 'joined'));
 * ```
 */
export function RemoteAddress(): ExtractorDecorator<Extractor<string, 'request'>> {
  return usableAsDecorator<Extractor<string, 'request'>>({ name: 'RemoteAddress()', source: 'request', extract: (ctx) => ctx.remoteAddress });
}

/**
 * The WebSocket subprotocol chosen for this upgrade: the first of the route's `protocols` that
 * the client offered, or `''` when none was agreed. Always `''` on HTTP routes.
 *
 * @example
 * ```ts
 * router.websocket('/ws', [Protocol()], (p, ws) => ws.sendText(`speaking ${p}`), { protocols: ['v2', 'v1'] });
 * ```
 */
export function Protocol(): ExtractorDecorator<Extractor<string, 'request'>> {
  return usableAsDecorator<Extractor<string, 'request'>>({ name: 'Protocol()', source: 'request', extract: (ctx) => ctx.protocol });
}
