import { kAttachConsumer, kHandler } from './connection/connection-symbols.js';
import type { MessageConsumer } from './connection/message-consumer.js';
import type { WebSocketConnection } from './connection/connection.js';
import type { HandlerCompletion } from './handler-completion.js';
import { describeValue } from './received-value.js';

/**
 * What `messageHandler` and `batchHandler` return: a connection handler taking the route's
 * extracted values, then the connection. Its result settles (never rejects) once the
 * connection has closed and every message it received has been handled, so the route never
 * closes the connection early. The result is a thenable: `await` it or call `then`.
 */
export type AdaptedHandler<TArgs extends unknown[]> = (...args: [...TArgs, WebSocketConnection]) => PromiseLike<void>;

/** A message consumer that also reports when it has finished (after the connection closed). */
export type CompletingConsumer = MessageConsumer & HandlerCompletion;

/** Builds the consumer for one connection; `args` are the handler's arguments, the connection last. */
export type ConsumerFactory = (conn: WebSocketConnection, args: unknown[]) => CompletingConsumer;

/**
 * Turns a consumer factory into a connection handler: attaches a fresh consumer to the
 * connection (the last argument) and returns it as the handler's completion. A misuse (no
 * connection, a second handler on one connection) throws at once.
 */
export function adapt(name: string, factory: ConsumerFactory): AdaptedHandler<unknown[]> {
  return (...args: unknown[]): PromiseLike<void> => {
    const conn = args[args.length - 1] as WebSocketConnection | undefined;
    if (typeof conn !== 'object' || conn === null || typeof conn[kAttachConsumer] !== 'function') {
      throw new TypeError(`${name}: the last argument must be the WebSocketConnection`);
    }
    const consumer = factory(conn, args);
    conn[kAttachConsumer](consumer);
    // The handler runner sees its own connection's handler and does not wrap it again;
    // `ConnectionHub.closeAll` waits for it on shutdown.
    if (conn[kHandler] === undefined) conn[kHandler] = consumer;
    return consumer;
  };
}

/** True for promises and other thenables. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Throws a `TypeError` unless `value` is an integer from `min` to `max`; returns it. */
export function checkInteger(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * The handler's arguments plus a last slot for the message(s), sized exactly: `[...args, x]`
 * would reserve room to grow, and this array lives as long as the connection.
 */
export function withSlot(args: readonly unknown[]): unknown[] {
  const slotted: unknown[] = new Array(args.length + 1);
  for (let i = 0; i < args.length; i++) slotted[i] = args[i];
  return slotted;
}
