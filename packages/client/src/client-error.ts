/**
 * Why a call failed or what went wrong on the connection:
 * - `timeout`: no reply within the request's `timeoutMs`;
 * - `closed`: the connection closed (or `close()` was called) before the reply came;
 * - `server`: the server answered with an error envelope (`code`, `message`, `details` are its);
 * - `offline-queue-full`: not connected, and the offline queue already holds `queue.max` calls;
 * - `offline`: not connected, and this request asked not to be queued;
 * - `provider`: the URL provider threw or rejected (the client retries with backoff);
 * - `unknown-reply`: a reply or error for an id no request is waiting for (ignored);
 * - `protocol`: a frame that is not a JSON object (ignored).
 */
export type ClientErrorKind = 'timeout' | 'closed' | 'server' | 'offline-queue-full' | 'offline' | 'provider' | 'unknown-reply' | 'protocol';

/**
 * The error every failed request rejects with, and that `onError` listeners receive.
 *
 * @example
 * ```ts
 * import { ClientError, createClient } from '@kindling/client';
 *
 * const client = createClient('ws://127.0.0.1:3000/chat');
 * try {
 *   await client.request('chat.send', { text: 'hi' }, { timeoutMs: 2_000 });
 * } catch (error) {
 *   if (error instanceof ClientError && error.kind === 'server') console.log(error.code, error.details);
 * }
 * client.close();
 * ```
 */
export class ClientError extends Error {
  /** What kind of failure this is. */
  readonly kind: ClientErrorKind;
  /** The server's error code (`server`), or the close code (`closed`) when there was one. */
  readonly code: string | number | undefined;
  /** The server's `details` (`server`), or the cause (`provider`). */
  readonly details: unknown;
  /** The request's id on the wire, when the error belongs to a request. */
  readonly id: number | string | undefined;

  constructor(kind: ClientErrorKind, message: string, code?: string | number, details?: unknown, id?: number | string) {
    super(message);
    this.name = 'ClientError';
    this.kind = kind;
    this.code = code;
    this.details = details;
    this.id = id;
  }
}
