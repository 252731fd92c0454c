import type { Message } from './message.js';

/**
 * What happened to an outgoing frame:
 * - `'written'`: handed to the socket.
 * - `'buffered'`: accepted, but waiting in the send buffer (backpressure); see `ws.drain()`.
 * - `'dropped'`: not sent: the backpressure limit was reached (or the frame kind is not
 *   supported by the engine, see `ws.pong()`).
 * - `'closed'`: not sent: the connection is closing or closed. Never a throw.
 */
export type SendResult = 'written' | 'buffered' | 'dropped' | 'closed';

/** Anything `ws.send()` accepts: text, bytes, or a {@link Message} (e.g. one received, to forward). */
export type SendData = string | Uint8Array | ArrayBuffer | Message;

/** The payload of one frame and whether it is binary. */
export interface Frame {
  readonly payload: string | Uint8Array | ArrayBuffer;
  readonly isBinary: boolean;
}

/** Maps the number uWS returns from `send`/`ping` (1 success, 0 backpressure, 2 dropped). */
export function sendResultOf(status: number): SendResult {
  if (status === 1) return 'written';
  if (status === 0) return 'buffered';
  return 'dropped';
}

/**
 * Turns {@link SendData} into a frame: strings and text messages are text frames, bytes and
 * binary messages binary frames. Throws a `TypeError` for anything else.
 */
export function toFrame(data: SendData): Frame {
  if (typeof data === 'string') return { payload: data, isBinary: false };
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return { payload: data, isBinary: true };
  if (typeof data === 'object' && data !== null) {
    if (data.type === 'text' && typeof data.text === 'string') return { payload: data.text, isBinary: false };
    if (data.type === 'binary' && data.data instanceof Uint8Array) return { payload: data.data, isBinary: true };
  }
  throw new TypeError(`Cannot send ${describe(data)}: expected a string, Uint8Array, ArrayBuffer or Message`);
}

/** Bytes a payload occupies on the wire (before framing). */
export function payloadBytes(payload: string | Uint8Array | ArrayBuffer): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
