import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/** How the server closed a {@link RawWebSocket}. */
export interface RawClose {
  code: number;
  reason: string;
}

/**
 * Just enough of a WebSocket client to watch a server in another process: connects, collects
 * the server's text frames and its close frame. Sends nothing after the handshake.
 */
export class RawWebSocket {
  /** Text frames received so far. */
  readonly texts: string[] = [];
  /** Resolves with the close frame's code and reason, or code 1006 when TCP ends without one. */
  readonly closed: Promise<RawClose>;
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #onClose: (close: RawClose) => void = () => undefined;

  private constructor(socket: Socket, head: Buffer) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => (this.#onClose = resolve));
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('close', () => this.#onClose({ code: 1006, reason: '' }));
    this.#read(head);
  }

  /** Opens `ws://127.0.0.1:<port><path>`; rejects when the server answers without a 101. */
  static connect(port: number, path: string): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const req = request({
        port,
        host: '127.0.0.1',
        path,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') },
      });
      req.on('upgrade', (_res, socket, head) => resolve(new RawWebSocket(socket, head)));
      req.on('response', (res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Ends the TCP connection. */
  destroy(): void {
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const frame = nextFrame(this.#buffer);
      if (frame === undefined) return;
      this.#buffer = this.#buffer.subarray(frame.end);
      if (frame.opcode === 0x1) this.texts.push(frame.payload.toString('utf8'));
      if (frame.opcode === 0x8) {
        this.#onClose({ code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005, reason: frame.payload.subarray(2).toString('utf8') });
      }
    }
  }
}

/** One unmasked server frame at the start of `buffer`, or undefined when it is incomplete. */
function nextFrame(buffer: Buffer): { opcode: number; payload: Buffer; end: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = (buffer[0] ?? 0) & 0x0f;
  let length = (buffer[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return { opcode, payload: buffer.subarray(offset, offset + length), end: offset + length };
}
