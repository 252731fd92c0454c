import { CloseCode, isSendableCloseCode, truncateCloseReason } from './close-codes.js';
import { kBeginClose, kHandler, kKeptOpen, kLogEvent } from './connection/connection-symbols.js';
import type { LogFields } from './connection/log-event.js';
import type { WebSocketConnection } from './connection/connection.js';
import { ERROR_CODES } from './errors/error-codes.js';
import { KindlingError } from './errors/kindling-error.js';

/**
 * Runs a connection's handler and turns its outcome into a close:
 * - returns or resolves → close 1000, unless `ws.keepOpen()` was called or it already closed;
 * - throws a `KindlingError` (or `HttpError`) → close with its `toCloseFrame()`;
 * - throws anything else → log `ws.handler_error` (error and stack) and close 1011
 *   "Internal server error"; the error's own message never reaches the peer.
 *
 * The returned thenable always resolves; nothing escapes to the process. `ConnectionHub.closeAll`
 * waits for it during shutdown.
 *
 * @example
 * ```ts
 * const init: ConnectionInit = { ...parts, start: (conn) => runHandler(conn, () => handler(conn)) };
 * ```
 */
export function runHandler(conn: WebSocketConnection, invoke: () => unknown): PromiseLike<void> {
  let result: unknown;
  try {
    result = invoke();
  } catch (err) {
    fail(conn, err);
    return Promise.resolve();
  }
  if (!isThenable(result)) {
    finish(conn);
    return Promise.resolve();
  }
  // messageHandler/batchHandler register their own completion: it never rejects and settles
  // only after the connection closed, so there is nothing to chain (and nothing to allocate).
  if (result === conn[kHandler]) return result as PromiseLike<void>;
  const running = Promise.resolve(result).then(
    () => finish(conn),
    (err: unknown) => fail(conn, err),
  );
  conn[kHandler] = running;
  return running;
}

function finish(conn: WebSocketConnection): void {
  conn[kHandler] = undefined;
  if (!conn.isOpen || conn[kKeptOpen]) return;
  guard(conn, () => conn[kBeginClose](CloseCode.NORMAL, '', conn.options.closeTimeoutMs));
}

function fail(conn: WebSocketConnection, err: unknown): void {
  conn[kHandler] = undefined;
  closeForError(conn, err, { event: 'ws.handler_error' });
}

/**
 * Logs `err` under `fields.event` and closes the connection with the error's close frame
 * (`KindlingError`) or 1011 "Internal server error" (anything else). Never throws.
 */
export function closeForError(conn: WebSocketConnection, err: unknown, fields: LogFields): void {
  guard(conn, () => {
    if (err instanceof KindlingError) {
      const frame = err.toCloseFrame();
      // A table entry or override that cannot go in a close frame (1005, 1006, ...) becomes 1011.
      const code = isSendableCloseCode(frame.code) ? frame.code : CloseCode.INTERNAL_ERROR;
      const level = code === CloseCode.INTERNAL_ERROR ? 'error' : 'debug';
      conn[kLogEvent](level, { ...fields, err, code: err.code, closeCode: code });
      conn[kBeginClose](code, truncateCloseReason(frame.reason), conn.options.closeTimeoutMs);
      return;
    }
    conn[kLogEvent]('error', { ...fields, err });
    conn[kBeginClose](ERROR_CODES.INTERNAL.closeCode, ERROR_CODES.INTERNAL.message, conn.options.closeTimeoutMs);
  });
}

// A failure while reporting a failure (a broken log destination, say) must not escape either.
function guard(conn: WebSocketConnection, step: () => void): void {
  try {
    step();
  } catch (err) {
    try {
      conn.terminate();
    } catch {
      // Nothing is left to tell; the connection is gone.
    }
    process.emitWarning(`Kindling could not close connection ${conn.id} after its handler ended: ${String(err)}`);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
