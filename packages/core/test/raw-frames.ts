import { connect, type Socket } from 'node:net';
import { upgradeRequest } from './raw-http.js';

/** One frame as the server sent it (server frames are never masked). */
export interface ServerFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** A close frame's code and reason; `code` is undefined for an empty close frame. */
export function closeOf(frame: ServerFrame): { code: number | undefined; reason: string } {
  if (frame.opcode !== 8) throw new Error(`not a close frame: opcode ${frame.opcode}`);
  if (frame.payload.length < 2) return { code: undefined, reason: '' };
  return { code: frame.payload.readUInt16BE(0), reason: frame.payload.subarray(2).toString('utf8') };
}

/** Builds one client frame: masked unless `mask: false`, FIN unless `fin: false`. Payloads up to 125 bytes. */
export function clientFrame(opcode: number, payload: Uint8Array | string, options: { fin?: boolean; mask?: boolean } = {}): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  if (bytes.length > 125) throw new RangeError('clientFrame builds short frames only');
  const fin = options.fin ?? true;
  const masked = options.mask ?? true;
  const head = Buffer.from([(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | bytes.length]);
  if (!masked) return Buffer.concat([head, bytes]);
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  return Buffer.concat([head, key, bytes.map((b, i) => b ^ (key[i % 4] as number))]);
}

/** The payload of a close frame with `code` and a raw `reason`. */
export function closePayload(code: number, reason: Uint8Array | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

/** Splits what a server sent after the 101 into frames (a trailing partial frame is left out). */
export function parseServerFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const b0 = bytes[at] as number;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** A WebSocket client of raw bytes: writes whatever it is given, records what comes back. */
export interface RawFrameClient {
  /** The 101's head, status line included. */
  readonly head: string;
  write(bytes: Uint8Array): void;
  /** Frames received so far. */
  frames(): ServerFrame[];
  /** Whether the server closed TCP. */
  readonly ended: boolean;
  /** Resolves with every frame once TCP closed, or after `ms` (then `ended` stays false). */
  settle(ms: number): Promise<ServerFrame[]>;
  destroy(): void;
}

/** Opens a WebSocket over a plain TCP socket (the handshake of `upgradeRequest`). */
export function rawFrameClient(port: number, path: string, headers: Record<string, string | null> = {}): Promise<RawFrameClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(upgradeRequest(path, headers)));
    let received = Buffer.alloc(0);
    let head: string | undefined;
    let ended = false;
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => undefined);
    void closed.then(() => {
      ended = true;
      if (head === undefined) reject(new Error(`closed before a 101: ${JSON.stringify(received.toString('latin1'))}`));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (head !== undefined) return;
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      head = received.subarray(0, end).toString('latin1');
      received = received.subarray(end + 4);
      if (!head.startsWith('HTTP/1.1 101 ')) {
        socket.destroy();
        return reject(new Error(`not upgraded: ${head.split('\r\n')[0]}`));
      }
      const upgradedHead = head;
      resolve({
        head: upgradedHead,
        write: (bytes) => void socket.write(bytes),
        frames: () => parseServerFrames(received),
        get ended() {
          return ended;
        },
        settle: async (ms) => {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
          clearTimeout(timer);
          return parseServerFrames(received);
        },
        destroy: () => socket.destroy(),
      });
    });
  });
}
