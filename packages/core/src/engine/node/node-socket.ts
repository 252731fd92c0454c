import type { Duplex } from 'node:stream';
import type { EnginePayload, EngineSocket, SocketUserData } from '@kindling/websocket';
import type { WebSocket as WsSocket } from 'ws';
import type { EngineBehavior } from '../engine.js';
import type { NodeTopics, TopicMember } from './node-topics.js';

const WRITTEN = 1;
const BUFFERED = 0;
const DROPPED = 2;
const EMPTY = new ArrayBuffer(0);
const TEXT = { binary: false, compress: false };
const BINARY = { binary: true, compress: false };
const TEXT_COMPRESSED = { binary: false, compress: true };
const BINARY_COMPRESSED = { binary: true, compress: true };

/**
 * A `ws` socket in the port's shape, keeping uWS's rules: `end()` and `close()` run the
 * behavior's `close` callback before they return, and every later call throws, as uWS does;
 * a send over the engine's backpressure limit is dropped (2); topics go through the server's
 * registry.
 */
export class NodeSocket implements EngineSocket<SocketUserData>, TopicMember {
  readonly topics = new Set<string>();
  readonly #ws: WsSocket;
  readonly #socket: Duplex;
  readonly #userData: SocketUserData;
  readonly #behavior: EngineBehavior;
  readonly #registry: NodeTopics;
  readonly #onGone: (socket: NodeSocket) => void;
  #closed = false;

  constructor(ws: WsSocket, socket: Duplex, userData: SocketUserData, behavior: EngineBehavior, registry: NodeTopics, onGone: (socket: NodeSocket) => void) {
    this.#ws = ws;
    this.#socket = socket;
    this.#userData = userData;
    this.#behavior = behavior;
    this.#registry = registry;
    this.#onGone = onGone;
    ws.binaryType = 'arraybuffer';
    ws.on('message', (data: ArrayBuffer, isBinary: boolean) => {
      if (!this.#closed) behavior.message(this, data, isBinary);
    });
    ws.on('ping', (data: Buffer) => {
      if (!this.#closed) behavior.ping(this, arrayBufferOf(data));
    });
    ws.on('pong', (data: Buffer) => {
      if (!this.#closed) behavior.pong(this, arrayBufferOf(data));
    });
    ws.on('close', (code: number, reason: Buffer) => this.#gone(code, arrayBufferOf(reason)));
    // Protocol errors (bad frames, invalid UTF-8, too large): ws answers with the close code
    // the RFC asks for and emits 'close' next; nothing to add here.
    ws.on('error', () => undefined);
    socket.on('drain', () => {
      if (!this.#closed) behavior.drain(this);
    });
  }

  send(message: EnginePayload, isBinary?: boolean, compress?: boolean): number {
    this.#assertOpen();
    const limit = this.#behavior.maxBackpressure;
    if (limit !== 0 && this.#ws.bufferedAmount > limit) return DROPPED;
    this.#ws.send(message, isBinary === true ? (compress === true ? BINARY_COMPRESSED : BINARY) : compress === true ? TEXT_COMPRESSED : TEXT);
    return this.#socket.writableLength === 0 ? WRITTEN : BUFFERED;
  }

  getBufferedAmount(): number {
    this.#assertOpen();
    return this.#ws.bufferedAmount;
  }

  ping(message?: EnginePayload): number {
    this.#assertOpen();
    this.#ws.ping(message);
    return this.#socket.writableLength === 0 ? WRITTEN : BUFFERED;
  }

  end(code?: number, shortMessage?: EnginePayload): void {
    this.#assertOpen();
    const reason = shortMessage === undefined ? '' : typeof shortMessage === 'string' ? shortMessage : Buffer.from(bytesOf(shortMessage)).toString();
    // ws sends the close frame and waits (30 s at most) for the peer's; the socket counts as
    // closed for Kindling from here, as on uWS.
    this.#ws.close(code, reason);
    this.#gone(code ?? 1000, reason === '' ? EMPTY : arrayBufferOf(Buffer.from(reason)));
  }

  close(): void {
    this.#assertOpen();
    this.#ws.terminate();
    this.#gone(1006, EMPTY);
  }

  cork(cb: () => void): this {
    this.#assertOpen();
    const socket = this.#socket;
    socket.cork();
    try {
      cb();
    } finally {
      socket.uncork();
    }
    return this;
  }

  subscribe(topic: string): boolean {
    this.#assertOpen();
    return this.#registry.subscribe(topic, this);
  }

  unsubscribe(topic: string): boolean {
    this.#assertOpen();
    return this.#registry.unsubscribe(topic, this);
  }

  isSubscribed(topic: string): boolean {
    this.#assertOpen();
    return this.topics.has(topic);
  }

  getTopics(): string[] {
    this.#assertOpen();
    return [...this.topics];
  }

  publish(topic: string, message: EnginePayload, isBinary?: boolean, compress?: boolean): boolean {
    this.#assertOpen();
    return this.#registry.publish(topic, this, message, isBinary === true, compress === true);
  }

  getUserData(): SocketUserData {
    // Readable in the close callback too, as on uWS.
    return this.#userData;
  }

  deliver(message: string | Buffer, isBinary: boolean, compress: boolean): boolean {
    if (this.#closed) return false;
    const limit = this.#behavior.maxBackpressure;
    // uWS skips a subscriber whose buffer is over the limit.
    if (limit !== 0 && this.#ws.bufferedAmount > limit) return false;
    this.#ws.send(message, isBinary ? (compress ? BINARY_COMPRESSED : BINARY) : compress ? TEXT_COMPRESSED : TEXT);
    return true;
  }

  /**
   * Cuts the socket when the server closes, without running callbacks twice — also one that
   * already counts as closed but still waits for the peer's close frame.
   */
  terminate(): void {
    if (this.#closed) return void this.#ws.terminate();
    this.close();
  }

  #gone(code: number, message: ArrayBuffer): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#registry.leaveAll(this);
    this.#onGone(this);
    this.#behavior.close(this, code, message);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('Invalid access of closed WebSocket');
  }
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function arrayBufferOf(data: Buffer): ArrayBuffer {
  if (data.byteLength === 0) return EMPTY;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
