import type { WebSocketConnection } from '../connection/connection.js';
import type { SendResult } from '../send-result.js';
import type { EventsTypeError } from './events-type-error.js';

/**
 * The event types `emit` accepts: the keys of `TEmits`; any string when `TEmits` is `unknown`
 * (the handler was written where the definition's emits are not known, see `EventsFor`).
 *
 * @example
 * ```ts
 * type Types = EmitType<{ 'chat.message': ChatMessage }>; // 'chat.message'
 * ```
 */
export type EmitType<TEmits> = unknown extends TEmits
  ? string
  : [keyof TEmits] extends [never]
    ? string & EventsTypeError<'This events definition declares no emits: list them in defineEvents(handlers, { emits })'>
    : keyof TEmits & string;

/**
 * The data `emit` takes for the event type `K`.
 *
 * @example
 * ```ts
 * type Data = EmitData<{ 'chat.message': ChatMessage }, 'chat.message'>; // ChatMessage
 * ```
 */
export type EmitData<TEmits, K> = unknown extends TEmits ? unknown : K extends keyof TEmits ? TEmits[K] : never;

/**
 * The connection as an `events()` handler sees it: the same `WebSocketConnection` object, typed
 * so that `emit` takes only the event types and data the definition's `emits` declare. Nothing
 * is added per connection: `emit` is a method of every connection's prototype, and this type
 * narrows it. It is assignable wherever a `WebSocketConnection` is expected. See docs/events.md.
 *
 * @example
 * ```ts
 * function greet(ws: EventConnection<{ 'chat.notice': { text: string } }>): void {
 *   ws.emit('chat.notice', { text: 'welcome' });
 * }
 * ```
 */
export interface EventConnection<TEmits = unknown> extends WebSocketConnection {
  /** Sends the server event `{ "type": type, "data": data }` as a JSON text frame. */
  emit<K extends EmitType<TEmits>>(type: K, data: EmitData<TEmits, K>): SendResult;
}
