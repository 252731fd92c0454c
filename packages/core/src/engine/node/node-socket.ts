import type { Duplex } from 'node:stream';
import type { EnginePayload, EngineSocket, SocketUserData } from '@kindling/websocket';
import type { WebSocket as WsSocket } from 'ws';
import type { EngineBehavior } from '../engine.js';
import type { NodeTopics, TopicMember } from './node-topics.js';
import { closeCodeOfWsError, wsErrorCode } from './ws-error-close-code.js';

const WRITTEN = 1;
const BUFFERED = 0;
const DROPPED = 2;
const EMPTY = new ArrayBuffer(0);
const TEXT = { binary: false, compress: false };
const BINARY = { binary: true, compress: false };
const TEXT_COMPRESSED = { binary: false, compress: true };
const BINARY_COMPRESSED = { binary: true, compress: true };

/** What every socket of one server shares: the behavior, the topics, the open sockets. */
export interface NodeSocketContext {
  readonly behavior: EngineBehavior;
  readonly registry: NodeTopics;
  /** Every socket whose TCP connection is still there (a socket leaves it when that is gone). */
  readonly live: Set<NodeSocket>;
}

// The NodeSocket of a `ws` socket and of its TCP socket, so that one set of listener functions
// serves every socket: no closures per connection.
const kSocket = Symbol('kindling.nodeSocket');
type Tagged<T> = T & { [kSocket]?: NodeSocket };

/**
 * A `ws` socket in the port's shape, keeping uWS's rules: `end()` and `close()` run the
 * behavior's `close` callback before they return, and every later call throws, as uWS does;
 * a send over the engine's backpressure limit is dropped (2); topics go through the server's
 * registry. Like uWS, it corks the TCP socket while it hands a read to `ws`, so the replies to
 * every message in that read leave in one write.
 */
export class NodeSocket implements EngineSocket<SocketUserData>, TopicMember {
  /** The topics it is in, made on the first subscribe (the registry keeps it in step). */
  topics: Set<string> | undefined = undefined;
  readonly #ws: Tagged<WsSocket>;
  readonly #socket: Tagged<Duplex>;
  readonly #userData: SocketUserData;
  readonly #context: NodeSocketContext;
  #closed = false;
  // Nested corks of the TCP socket by this wrapper, and what was waiting to be written when the
  // outermost began.
  #corks = 0;
  #backlog = 0;
  #readCorked = false;

  constructor(ws: WsSocket, socket: Duplex, userData: SocketUserData, context: NodeSocketContext) {
    this.#ws = ws;
    this.#socket = socket;
    this.#userData = userData;
    this.#context = context;
    this.#ws[kSocket] = this;
    this.#socket[kSocket] = this;
    context.live.add(this);
    ws.binaryType = 'arraybuffer';
    ws.on('message', NodeSocket.#onMessage);
    ws.on('ping', NodeSocket.#onPing);
    ws.on('pong', NodeSocket.#onPong);
    ws.on('close', NodeSocket.#onClose);
    ws.on('error', NodeSocket.#onError);
    // `ws` reads the socket in a 'data' listener of its own: these run before and after it.
    socket.prependListener('data', NodeSocket.#onReadStart);
    socket.on('data', NodeSocket.#onReadEnd);
    socket.on('drain', NodeSocket.#onDrain);
  }

  send(message: EnginePayload, isBinary?: boolean, compress?: boolean): number {
    this.#assertOpen();
    const limit = this.#context.behavior.maxBackpressure;
    if (limit !== 0 && this.#bufferedAmount() > limit) return DROPPED;
    this.#ws.send(message, isBinary === true ? (compress === true ? BINARY_COMPRESSED : BINARY) : compress === true ? TEXT_COMPRESSED : TEXT);
    return this.#sent();
  }

  getBufferedAmount(): number {
    this.#assertOpen();
    return this.#bufferedAmount();
  }

  ping(message?: EnginePayload): number {
    this.#assertOpen();
    this.#ws.ping(message);
    return this.#sent();
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
    // What was sent before, in a callback that holds the socket corked, still goes out.
    if (this.#corks !== 0) this.#flush();
    this.#ws.terminate();
    this.#gone(1006, EMPTY);
  }

  cork(cb: () => void): this {
    this.#assertOpen();
    this.#cork();
    try {
      cb();
    } finally {
      this.#uncork();
    }
    return this;
  }

  subscribe(topic: string): boolean {
    this.#assertOpen();
    return this.#context.registry.subscribe(topic, this);
  }

  unsubscribe(topic: string): boolean {
    this.#assertOpen();
    return this.#context.registry.unsubscribe(topic, this);
  }

  isSubscribed(topic: string): boolean {
    this.#assertOpen();
    return this.topics !== undefined && this.topics.has(topic);
  }

  getTopics(): string[] {
    this.#assertOpen();
    return this.topics === undefined ? [] : [...this.topics];
  }

  publish(topic: string, message: EnginePayload, isBinary?: boolean, compress?: boolean): boolean {
    this.#assertOpen();
    return this.#context.registry.publish(topic, this, message, isBinary === true, compress === true);
  }

  getUserData(): SocketUserData {
    // Readable in the close callback too, as on uWS.
    return this.#userData;
  }

  deliver(message: string | Buffer, isBinary: boolean, compress: boolean): boolean {
    if (this.#closed) return false;
    const limit = this.#context.behavior.maxBackpressure;
    // uWS skips a subscriber whose buffer is over the limit.
    if (limit !== 0 && this.#bufferedAmount() > limit) return false;
    this.#ws.send(message, isBinary ? (compress ? BINARY_COMPRESSED : BINARY) : compress ? TEXT_COMPRESSED : TEXT);
    this.#sent();
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

  /**
   * Bytes waiting to be written. What a cork holds is not counted: it is about to be written,
   * as what uWS holds in its cork buffer is (and is written at once past the high-water mark).
   */
  #bufferedAmount(): number {
    const ws = this.#ws;
    if (this.#corks === 0) return ws.bufferedAmount;
    return ws.bufferedAmount - this.#socket.writableLength + this.#backlog;
  }

  /**
   * The status of a frame just handed to `ws`: written, or buffered behind what the socket could
   * not write yet. While corked, a cork holding more than the high-water mark is written now,
   * as uWS writes a full cork buffer.
   */
  #sent(): number {
    const socket = this.#socket;
    if (this.#corks === 0) return socket.writableLength === 0 ? WRITTEN : BUFFERED;
    if (socket.writableLength - this.#backlog > socket.writableHighWaterMark) {
      const corked = socket.writableCorked;
      for (let i = 0; i < corked; i++) socket.uncork();
      for (let i = 0; i < corked; i++) socket.cork();
      this.#backlog = socket.writableLength;
    }
    return this.#backlog === 0 ? WRITTEN : BUFFERED;
  }

  #cork(): void {
    const socket = this.#socket;
    if (this.#corks++ === 0) this.#backlog = socket.writableLength;
    socket.cork();
  }

  #uncork(): void {
    this.#corks--;
    this.#socket.uncork();
  }

  /** Writes what the corks hold now; the uncorks still pending do nothing after this. */
  #flush(): void {
    const socket = this.#socket;
    while (socket.writableCorked > 0) socket.uncork();
  }

  #gone(code: number, message: ArrayBuffer): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.topics !== undefined) this.#context.registry.leaveAll(this);
    this.#context.behavior.close(this, code, message);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('Invalid access of closed WebSocket');
  }

  // The listeners, shared by every socket: `this` is the emitter, which carries its NodeSocket.

  static readonly #onMessage = function (this: Tagged<WsSocket>, data: ArrayBuffer, isBinary: boolean): void {
    const self = this[kSocket];
    if (self !== undefined && !self.#closed) self.#context.behavior.message(self, data, isBinary);
  };

  static readonly #onPing = function (this: Tagged<WsSocket>, data: Buffer): void {
    const self = this[kSocket];
    if (self !== undefined && !self.#closed) self.#context.behavior.ping(self, arrayBufferOf(data));
  };

  static readonly #onPong = function (this: Tagged<WsSocket>, data: Buffer): void {
    const self = this[kSocket];
    if (self !== undefined && !self.#closed) self.#context.behavior.pong(self, arrayBufferOf(data));
  };

  static readonly #onClose = function (this: Tagged<WsSocket>, code: number, reason: Buffer): void {
    const self = this[kSocket];
    if (self === undefined) return;
    // Kept in `live` until the TCP connection is gone, not only until Kindling counts it closed:
    // after a close frame ws waits up to 30 s for the peer's, and the server's close() must cut
    // that wait too.
    self.#context.live.delete(self);
    self.#gone(code, arrayBufferOf(reason));
  };

  /**
   * `ws` refused what the peer sent (a bad frame, invalid UTF-8, a message over `maxPayload`):
   * it has sent a close frame and ends the connection once the peer answers, or within 30 s.
   * Kindling counts the socket closed from here, with the code the peer received (`ws` would
   * report 1006 or the peer's answer, later), as on `end()`.
   */
  static readonly #onError = function (this: Tagged<WsSocket>, err: Error): void {
    const self = this[kSocket];
    if (self === undefined || self.#closed) return;
    const code = closeCodeOfWsError(err);
    self.#context.behavior.protocolError?.(self, code, wsErrorCode(err), err.message);
    self.#gone(code, EMPTY);
  };

  static readonly #onReadStart = function (this: Tagged<Duplex>): void {
    const self = this[kSocket];
    if (self === undefined || self.#readCorked) return;
    self.#readCorked = true;
    self.#cork();
  };

  static readonly #onReadEnd = function (this: Tagged<Duplex>): void {
    const self = this[kSocket];
    if (self === undefined || !self.#readCorked) return;
    self.#readCorked = false;
    self.#uncork();
  };

  static readonly #onDrain = function (this: Tagged<Duplex>): void {
    const self = this[kSocket];
    if (self !== undefined && !self.#closed) self.#context.behavior.drain(self);
  };
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function arrayBufferOf(data: Buffer): ArrayBuffer {
  if (data.byteLength === 0) return EMPTY;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
