import { kSendFrame, kSerial } from './connection/connection-symbols.js';
import type { WebSocketConnection } from './connection/connection.js';
import { toFrame, type Frame, type SendData, type SendResult } from './send-result.js';
import { parseSerial } from './serial-id.js';

/**
 * Every open connection of an app (`app.connections`). A connection is in it from `open`
 * until it has closed. Iterating yields connections in the order they opened.
 *
 * @example
 * ```ts
 * app.connections.size;
 * app.connections.broadcastExcept(ws.id, JSON.stringify({ joined: ws.id }));
 * for (const conn of app.connections) conn.ping();
 * ```
 */
export class ConnectionRegistry implements Iterable<WebSocketConnection> {
  // Keyed by the number behind each id: connections do not hold their id's text.
  readonly #byId = new Map<number, WebSocketConnection>();

  /** Open connections. */
  get size(): number {
    return this.#byId.size;
  }

  /** The open connection with this id. */
  get(id: string): WebSocketConnection | undefined {
    const serial = typeof id === 'string' ? parseSerial(id) : undefined;
    return serial === undefined ? undefined : this.#byId.get(serial);
  }

  /** Whether a connection with this id is open. */
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Open connections, in the order they opened. */
  [Symbol.iterator](): IterableIterator<WebSocketConnection> {
    return this.#byId.values();
  }

  /** Same as iterating the registry. */
  values(): IterableIterator<WebSocketConnection> {
    return this.#byId.values();
  }

  /**
   * Sends `data` to every open connection (text stays text, bytes binary; text is encoded once
   * for all). Returns how many accepted it (`'written'` or `'buffered'`); connections over
   * their backpressure limit are skipped. For large audiences prefer topics (`app.publish`),
   * which fan out inside uWS.
   */
  broadcast(data: SendData): number {
    return this.#broadcast(toFrame(data), undefined);
  }

  /** Like {@link broadcast}, skipping the connection with id `exceptId` (typically the sender). */
  broadcastExcept(exceptId: string, data: SendData): number {
    return this.#broadcast(toFrame(data), typeof exceptId === 'string' ? parseSerial(exceptId) : undefined);
  }

  /** Adds an opened connection. Called by the hub. */
  add(conn: WebSocketConnection): void {
    this.#byId.set(conn[kSerial], conn);
  }

  /** Removes a closed connection. Called by the hub. */
  delete(conn: WebSocketConnection): boolean {
    return this.#byId.delete(conn[kSerial]);
  }

  #broadcast(frame: Frame, except: number | undefined): number {
    // uWS converts a JS string to UTF-8 on every send; encode once and send text-flagged bytes.
    const payload = typeof frame.payload === 'string' ? Buffer.from(frame.payload, 'utf8') : frame.payload;
    let sent = 0;
    for (const conn of this.#byId.values()) {
      if (conn[kSerial] === except) continue;
      const result: SendResult = conn[kSendFrame](payload, frame.isBinary);
      if (result === 'written' || result === 'buffered') sent++;
    }
    return sent;
  }
}
