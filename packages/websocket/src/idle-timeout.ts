import { CloseCode } from './close-codes.js';
import { kActivityCount, kBeginClose, kLogEvent } from './connection/connection-symbols.js';
import type { WebSocketConnection } from './connection/connection.js';
import type { SweepTask } from './sweeper.js';

/**
 * Closes a connection with 1001 "idle timeout" once the peer has sent nothing (message, ping
 * or pong) for `timeoutMs`. Runs on the hub's shared {@link Sweeper}: it compares the
 * connection's activity counter between ticks, so the message path only increments a number.
 */
export class IdleTimeout implements SweepTask {
  readonly resolutionMs: number;
  readonly #conn: WebSocketConnection;
  readonly #timeoutMs: number;
  #seen: number;
  #since: number;

  constructor(conn: WebSocketConnection, timeoutMs: number, now: number) {
    this.#conn = conn;
    this.#timeoutMs = timeoutMs;
    this.resolutionMs = timeoutMs / 4;
    this.#seen = conn[kActivityCount];
    this.#since = now;
  }

  sweep(now: number): boolean {
    const conn = this.#conn;
    if (!conn.isOpen) return false;
    const count = conn[kActivityCount];
    if (count !== this.#seen) {
      this.#seen = count;
      this.#since = now;
      return true;
    }
    if (now - this.#since < this.#timeoutMs) return true;
    conn[kLogEvent]('info', { event: 'ws.idle_timeout', idleTimeoutMs: this.#timeoutMs });
    conn[kBeginClose](CloseCode.GOING_AWAY, 'idle timeout', conn.options.closeTimeoutMs);
    return false;
  }
}
