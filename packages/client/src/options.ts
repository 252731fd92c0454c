import type { ReconnectOptions } from './backoff.js';
import type { SocketConstructor } from './socket.js';

/** Where the client is: see {@link StateChange}. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * A state change, as `onState` listeners receive it:
 * - `connecting`: the first attempt (the state a new client starts in);
 * - `open`: connected; queued calls have just been sent;
 * - `reconnecting`: the connection is lost or an attempt failed; the next attempt starts in
 *   `delayMs`. `code`/`reason` say why (the close code, or 0 when the URL provider failed);
 * - `closed`: for good: `close()` was called, or the close code said retrying is useless
 *   (see {@link ReconnectOptions.shouldRetry}), or reconnecting is off.
 */
export interface StateChange {
  readonly state: ConnectionState;
  /** Failed attempts since the last connection that stayed up `minUptimeMs`. */
  readonly attempt: number;
  /** Milliseconds until the next attempt (`reconnecting`). */
  readonly delayMs?: number;
  /** The close code that caused the change, 0 when the URL provider failed. */
  readonly code?: number;
  /** The close reason, or what failed. */
  readonly reason?: string;
}

/**
 * Dead-link detection. A browser answers the server's WebSocket pings by itself and never
 * shows them to the page, so a page cannot tell a quiet link from a dead one. With this on,
 * after `pingMs` without any inbound frame the client sends `{"type":"$ping","id":n}`; any
 * frame that arrives (the reply, an error envelope, an event) proves the link alive. After
 * `timeoutMs` without one the client drops the socket and reconnects.
 */
export interface LivenessOptions {
  /** Inbound silence after which the link counts as dead. */
  timeoutMs: number;
  /** Inbound silence after which a `$ping` is sent. @default timeoutMs / 2 */
  pingMs?: number;
}

/** What the client does with calls made while it is not connected. */
export interface QueueOptions {
  /** Calls held while not connected (emits and queued requests together); 0 queues nothing. @default 100 */
  max?: number;
  /**
   * Requests made while not connected: `'queue'` holds them until the connection opens (their
   * timeout runs meanwhile); `'reject'` rejects them at once with kind `offline`. Emits are
   * always queued while there is room. A request's own `queue` option overrides this.
   * @default 'queue'
   */
  requests?: 'queue' | 'reject';
}

/** Settings of {@link createClient}. Every field has a default. */
export interface ClientOptions {
  /** The WebSocket constructor. @default globalThis.WebSocket */
  WebSocket?: SocketConstructor;
  /** Subprotocols offered on every attempt. */
  protocols?: string | string[];
  /** A request's timeout when it gives none. @default 10_000 */
  timeoutMs?: number;
  /** An attempt that has not opened after this long is dropped and counts as failed. @default 10_000 */
  connectTimeoutMs?: number;
  /** Backoff between attempts; `false` never reconnects. @default {} (the defaults of {@link ReconnectOptions}) */
  reconnect?: ReconnectOptions | false;
  /** The offline queue. @default { max: 100, requests: 'queue' } */
  queue?: QueueOptions;
  /** Dead-link detection; off unless given. @default false */
  liveness?: LivenessOptions | false;
}

/** Options of one `request`. */
export interface RequestOptions {
  /** Reject with kind `timeout` when no reply came within this. @default the client's `timeoutMs` */
  timeoutMs?: number;
  /** Hold this request while not connected (`true`) or reject it at once (`false`). @default the client's `queue.requests` */
  queue?: boolean;
}

/**
 * Where to connect: a URL, or a function called before every attempt (the place to refresh a
 * token). It gets the number of failed attempts so far; when it throws or rejects, the error
 * goes to `onError` (kind `provider`) and the client retries with backoff.
 */
export type UrlProvider = (attempt: number) => string | Promise<string>;
