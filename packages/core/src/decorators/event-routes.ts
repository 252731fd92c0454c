/**
 * The method decorator for typed events on a controller (`@OnEvent`): the controller's
 * `@OnEvent` methods on one path form one `events()` route. See docs/events.md.
 */
import type { EventOptions } from '@kindling/websocket';
import type { DtoClass } from '../extract/dto-class.js';
import { routeDecorator, type RouteDecorator } from './routes.js';

/**
 * Options for {@link OnEvent}: the event's DTO and path, and its `on()` options.
 *
 * @example
 * ```ts
 * @OnEvent('room.join', { dto: JoinRoom, path: '/rooms', rateLimit: { messages: 2, perMs: 1_000 } })
 * join(@Body() req: JoinRoom, @Conn() ws: WebSocketConnection) { ws.subscribe(req.room); }
 * ```
 */
export interface OnEventOptions extends EventOptions {
  /**
   * The class the event's `data` is validated into. Left out, a `@Body()` parameter's class is
   * used; with neither, the method gets no data (or, with `@Body(Object)`, the data as parsed).
   * @default undefined
   */
  dto?: DtoClass;
  /**
   * The route of the event, under the controller's prefix. All `@OnEvent` methods of the
   * controller with the same path are served by one `events()` route.
   * @default '/'
   */
  path?: string;
}

/**
 * An event handled by this method on the controller's events route: a message
 * `{ "type": type, "id"?, "data"? }` runs it with `data` validated into the DTO (`@Body()`),
 * the connection (`@Conn()`) and the extractor parameters; the return value is the reply to a
 * request. The events route's options come from `@Controller(prefix, { websocket, events })`
 * and the class's policy decorators. Same behaviour as `on(Dto, handler)` in
 * `defineEvents` (one code path).
 *
 * @example
 * ```ts
 * @Controller('/chat')
 * class ChatEvents {
 *   @OnEvent('chat.send')
 *   send(@Query() join: Join, @Body() msg: ChatSend, @Conn() ws: WebSocketConnection) {
 *     ws.publish('chat', JSON.stringify({ type: 'chat.message', data: { from: join.nick, text: msg.text } }));
 *     return { accepted: true };
 *   }
 * }
 * ```
 */
export function OnEvent(type: string, options: OnEventOptions = {}): RouteDecorator {
  if (typeof type !== 'string' || type === '') throw new TypeError('@OnEvent(type): type must be a non-empty string');
  if (type.startsWith('$')) throw new TypeError(`@OnEvent('${type}'): types starting with "$" belong to the protocol (events() answers "$ping" itself)`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`@OnEvent('${type}', options): options must be an object`);
  const { dto, path = '/', ...event } = options;
  return routeDecorator({ kind: 'event', path, label: `@OnEvent('${type}')`, options: { type, dto, event } });
}
