import { connect, type Socket } from 'node:net';

/** Sends raw bytes to 127.0.0.1:port and collects the reply until the peer closes or `waitMs`. */
export function rawExchange(port: number, write: (socket: Socket) => void, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => write(socket));
    let data = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (isComplete(data)) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** True once `data` holds a whole HTTP response: a 101's head, or a head plus its Content-Length. */
function isComplete(data: string): boolean {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return false;
  if (data.startsWith('HTTP/1.1 101')) return true;
  const length = /\r\ncontent-length: *(\d+)/i.exec(data.slice(0, end));
  return length !== null && data.length - end - 4 >= Number(length[1]);
}

/** A raw upgrade request with the given overrides (`null` drops a header). */
export function upgradeRequest(path: string, overrides: Record<string, string | null> = {}, method = 'GET'): string {
  const headers: Record<string, string | null> = {
    host: '127.0.0.1',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
    ...overrides,
  };
  const lines = Object.entries(headers)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A WebSocket client made of raw bytes, for frames no well-behaved client would send. */
export interface RawWebSocket {
  /** Sends one masked frame with the given opcode (1 text, 2 binary). */
  sendFrame(opcode: number, payload: Uint8Array): void;
  /** Resolves when TCP closes, with every byte received after the 101 head. */
  readonly closed: Promise<Buffer>;
}

/** Completes a handshake over a plain TCP socket and hands back a frame writer. */
export function rawWebSocket(port: number, path: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(upgradeRequest(path)));
    let head = '';
    let upgraded = false;
    const after: Buffer[] = [];
    const closed = new Promise<Buffer>((r) => socket.on('close', () => r(Buffer.concat(after))));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) return void after.push(chunk);
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`not upgraded: ${head.split('\r\n')[0]}`));
      upgraded = true;
      const rest = chunk.subarray(chunk.length - (head.length - end - 4));
      if (rest.length > 0) after.push(rest);
      resolve({
        closed,
        sendFrame(opcode, payload) {
          if (payload.length > 125) throw new RangeError('rawWebSocket sends short frames only');
          const mask = Buffer.from([1, 2, 3, 4]);
          const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
          socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]));
        },
      });
    });
  });
}

/** What {@link rawProbe} saw: the bytes received and whether the server closed the connection. */
export interface ProbeResult {
  readonly data: string;
  readonly closed: boolean;
}

/**
 * Sends raw bytes and watches for `waitMs` or until the server closes, whichever is first: for
 * requests an engine may leave unanswered (the socket is destroyed at the end either way).
 */
export function rawProbe(port: number, bytes: string | Uint8Array, waitMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let data = '';
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, closed });
    }, waitMs);
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('end', () => (closed = true));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ data, closed });
    });
  });
}
