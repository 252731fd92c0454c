import { kBeginClose, kLogEvent } from './connection/connection-symbols.js';
import type { WebSocketConnection } from './connection/connection.js';
import { ERROR_CODES } from './errors/error-codes.js';
import { KindlingError } from './errors/kindling-error.js';
import { errorEnvelope } from './reply.js';

/**
 * Answers a message that failed with the error envelope `{ error: { code, message, details, id } }`
 * and logs it: a client error (a `KindlingError` with a status under 500) at debug as
 * `ws.message_rejected`, anything else at error as `ws.handler_error` (the peer sees only
 * `INTERNAL` and a generic message). `fields` are added to the log line. Returns true for a
 * client error, which counts toward `maxConsecutiveErrors`.
 */
export function replyWithError(conn: WebSocketConnection, err: unknown, id: string | number | undefined, fields?: Readonly<Record<string, unknown>>): boolean {
  const clientError = err instanceof KindlingError && err.status < 500;
  if (clientError) conn[kLogEvent]('debug', { event: 'ws.message_rejected', code: err.code, ...fields });
  else conn[kLogEvent]('error', { event: 'ws.handler_error', err, ...fields });
  try {
    conn.sendJson(errorEnvelope(err, id));
  } catch {
    // The error's details cannot be sent as JSON: send the bare code and message.
    conn.sendJson(errorEnvelope(new KindlingError(clientError ? err.code : 'INTERNAL', clientError ? { message: err.message } : {}), id));
  }
  return clientError;
}

/**
 * The `maxConsecutiveErrors` rule of `messageHandler` and `events()`: once `count` failed
 * messages in a row (client errors, this one included) reach `max` (unless `0`), logs
 * `ws.too_many_errors` and closes the connection with 1008 `TOO_MANY_ERRORS`. The count is the
 * caller's (a number, so a connection pays for no extra object); a handled message resets it.
 */
export function checkConsecutiveErrors(conn: WebSocketConnection, count: number, max: number): void {
  if (max === 0 || count < max || !conn.isOpen) return;
  conn[kLogEvent]('warn', { event: 'ws.too_many_errors', maxConsecutiveErrors: max });
  conn[kBeginClose](ERROR_CODES.TOO_MANY_ERRORS.closeCode, ERROR_CODES.TOO_MANY_ERRORS.message, conn.options.closeTimeoutMs);
}

/**
 * A consumer's queue of messages waiting for the handler passed the connection's
 * `maxQueuedMessages`: logs `ws.queue_overflow` and closes with 1008 `QUEUE_OVERFLOW`.
 */
export function closeForQueueOverflow(conn: WebSocketConnection): void {
  conn[kLogEvent]('warn', { event: 'ws.queue_overflow', maxQueuedMessages: conn.options.maxQueuedMessages });
  conn[kBeginClose](ERROR_CODES.QUEUE_OVERFLOW.closeCode, ERROR_CODES.QUEUE_OVERFLOW.message, conn.options.closeTimeoutMs);
}
