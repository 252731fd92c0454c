/**
 * Method decorators for WebSocket routes served by the message adapters: one call per message
 * (`@OnMessage`) or per batch (`@OnBatch`). See docs/controllers.md.
 */
import type { BatchHandlerOptions, MessageHandlerOptions } from '@kindling/websocket';
import type { DtoClass } from '../extract/dto-class.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import { routeDecorator, type RouteDecorator } from './routes.js';

/** Options for {@link OnMessage}: the `messageHandler` options plus the route's own. */
export interface OnMessageOptions extends MessageHandlerOptions {
  /**
   * Parse every message as JSON and validate it into this class (`true`: parse only). Left
   * out, a `@Body()` parameter's class is used; with neither, the method gets each `Message`.
   * @default undefined
   */
  json?: DtoClass | true;
  /** Options of the WebSocket route (limits, protocols, ...). @default {} */
  websocket?: WebSocketRouteOptions;
}

/** Options for {@link OnBatch}: the `batchHandler` options plus the route's own. */
export interface OnBatchOptions extends BatchHandlerOptions {
  /** Options of the WebSocket route (limits, protocols, ...). @default {} */
  websocket?: WebSocketRouteOptions;
}

/**
 * A WebSocket route whose method runs once per message (`messageHandler`): in arrival order,
 * one at a time per connection unless `concurrency` says otherwise. Extractor parameters run
 * once, before the upgrade; `@Body()` (or `@Msg()`) is the message, `@Conn()` the connection.
 * A returned value is sent back; an invalid JSON message gets an error envelope.
 *
 * @example
 * ```ts
 * @OnMessage('/{room}/events')
 * event(@Path() p: RoomParams, @Body() ev: ChatEvent, @Conn() ws: WebSocketConnection) {
 *   ws.publish(p.room, JSON.stringify(ev));
 * }
 * ```
 */
export function OnMessage(path: string, options: OnMessageOptions = {}): RouteDecorator {
  const { json, websocket, ...handler } = options;
  return routeDecorator({ kind: 'message', path, label: `@OnMessage('${path}')`, options: { json, handler, route: websocket } });
}

/**
 * A WebSocket route whose method gets messages in batches (`batchHandler`): when `size` are
 * buffered or `timeoutMs` after a batch's first message. `@Batch()` is the array of messages.
 *
 * @example
 * ```ts
 * @OnBatch('/ingest', { size: 50, timeoutMs: 100 })
 * async ingest(@Query() source: Source, @Batch() msgs: Message[]) { await db.insertMany(source.name, msgs); }
 * ```
 */
export function OnBatch(path: string, options: OnBatchOptions): RouteDecorator {
  if (typeof options !== 'object' || options === null) throw new TypeError(`@OnBatch('${path}') needs options { size, timeoutMs }`);
  const { websocket, ...handler } = options;
  return routeDecorator({ kind: 'batch', path, label: `@OnBatch('${path}')`, options: { handler, route: websocket } });
}
