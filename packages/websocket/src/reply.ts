import type { WebSocketConnection } from './connection/connection.js';
import { KindlingError } from './errors/kindling-error.js';
import type { ErrorBody } from './errors/kindling-error.js';
import { isMessage } from './message.js';

/**
 * Sends what a message or batch handler returned: nothing for `undefined` and `null`, text
 * for a string, a binary frame for bytes, a received `Message` as it came, anything else as
 * JSON text. Throws a `TypeError` for a value JSON cannot represent.
 */
export function sendReply(conn: WebSocketConnection, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' || value instanceof Uint8Array || value instanceof ArrayBuffer || isMessage(value)) {
    conn.send(value);
    return;
  }
  conn.sendJson(value);
}

/**
 * The error envelope for a message that failed: `{ error: { code, message, details, id } }`.
 * Unexpected errors become `INTERNAL` with a generic message; their text stays in the log.
 */
export function errorEnvelope(err: unknown, id: string | number | undefined): ErrorBody {
  const error = err instanceof KindlingError && err.code !== 'INTERNAL' ? err : new KindlingError('INTERNAL');
  const body = error.toJSON();
  if (id !== undefined) body.error.id = id;
  return body;
}

/** The `id` of a parsed message, when it is an object with a string or number `id`. */
export function messageId(value: unknown): string | number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}
