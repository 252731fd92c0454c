import type { SocketUserData } from '@kindling/websocket';
import type { RecognizedString, WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import type { SocketInbox } from './socket-inbox.js';
import type { SocketTransport } from './test-websocket.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Topics shared by the in-memory sockets of one harness, for `ws.publish`. */
export class InMemoryTopics {
  readonly #subscribers = new Map<string, Set<InMemorySocket>>();

  subscribe(topic: string, socket: InMemorySocket): boolean {
    const set = this.#subscribers.get(topic) ?? new Set<InMemorySocket>();
    this.#subscribers.set(topic, set);
    if (set.has(socket)) return false;
    set.add(socket);
    return true;
  }

  unsubscribe(topic: string, socket: InMemorySocket): boolean {
    return this.#subscribers.get(topic)?.delete(socket) ?? false;
  }

  has(topic: string, socket: InMemorySocket): boolean {
    return this.#subscribers.get(topic)?.has(socket) ?? false;
  }

  topicsOf(socket: InMemorySocket): string[] {
    return [...this.#subscribers].filter(([, set]) => set.has(socket)).map(([topic]) => topic);
  }

  /** Delivers to every subscriber but `from`; true when someone received it. */
  publish(topic: string, from: InMemorySocket | undefined, payload: RecognizedString, isBinary: boolean): boolean {
    let delivered = false;
    for (const socket of this.#subscribers.get(topic) ?? []) {
      if (socket === from) continue;
      delivered = socket.deliver(payload, isBinary) || delivered;
    }
    return delivered;
  }

  leave(socket: InMemorySocket): void {
    for (const set of this.#subscribers.values()) set.delete(socket);
  }
}

/**
 * A stand-in for a uWS socket, wired to a {@link SocketInbox} on the test side and to the
 * hub's uWS behavior on the server side: what the connection sends lands in the inbox, what
 * the test sends is fed to the behavior's callbacks as uWS would. It keeps uWS's rules: the
 * `close` callback runs synchronously inside `end()`/`close()`, and any call after that
 * throws, so code that works here does not rely on anything uWS would refuse.
 */
export class InMemorySocket implements WebSocket<SocketUserData> {
  readonly #userData: SocketUserData;
  readonly #behavior: WebSocketBehavior<SocketUserData>;
  readonly #inbox: SocketInbox;
  readonly #topics: InMemoryTopics;
  readonly #remoteAddress: string;
  #closed = false;
  #fragments: { parts: Uint8Array[]; isBinary: boolean } | undefined;

  constructor(userData: SocketUserData, behavior: WebSocketBehavior<SocketUserData>, inbox: SocketInbox, topics: InMemoryTopics) {
    this.#userData = userData;
    this.#behavior = behavior;
    this.#inbox = inbox;
    this.#topics = topics;
    this.#remoteAddress = userData.init.remoteAddress;
  }

  // ---- the uWS surface, used by the server side ----------------------------------------------

  send(message: RecognizedString, isBinary = false): number {
    this.#assertOpen();
    this.deliver(message, isBinary);
    return 1;
  }

  sendFirstFragment(message: RecognizedString, isBinary = false): boolean {
    this.#assertOpen();
    this.#fragments = { parts: [bytesOf(message)], isBinary };
    return true;
  }

  sendFragment(message: RecognizedString): boolean {
    this.#assertOpen();
    this.#fragments?.parts.push(bytesOf(message));
    return true;
  }

  sendLastFragment(message: RecognizedString): boolean {
    this.#assertOpen();
    const fragments = this.#fragments;
    this.#fragments = undefined;
    if (fragments) this.deliver(Buffer.concat([...fragments.parts, bytesOf(message)]), fragments.isBinary);
    return true;
  }

  getBufferedAmount(): number {
    this.#assertOpen();
    return 0;
  }

  end(code?: number, shortMessage?: RecognizedString): void {
    this.#assertOpen();
    const reason = shortMessage === undefined ? '' : textOf(shortMessage);
    this.#finish(code ?? 1005, reason, code ?? 1005, reason);
  }

  close(): void {
    this.#assertOpen();
    this.#finish(1006, '', 1006, '');
  }

  ping(message?: RecognizedString): number {
    this.#assertOpen();
    const data = message === undefined ? new Uint8Array(0) : bytesOf(message);
    this.#inbox.recordPing(data);
    // The test side answers like any client: with a pong, a moment later.
    queueMicrotask(() => {
      if (!this.#closed) this.#behavior.pong?.(this, toArrayBuffer(data));
    });
    return 1;
  }

  subscribe(topic: RecognizedString): boolean {
    this.#assertOpen();
    return this.#topics.subscribe(textOf(topic), this);
  }

  unsubscribe(topic: RecognizedString): boolean {
    this.#assertOpen();
    return this.#topics.unsubscribe(textOf(topic), this);
  }

  isSubscribed(topic: RecognizedString): boolean {
    this.#assertOpen();
    return this.#topics.has(textOf(topic), this);
  }

  getTopics(): string[] {
    this.#assertOpen();
    return this.#topics.topicsOf(this);
  }

  publish(topic: RecognizedString, message: RecognizedString, isBinary = false): boolean {
    this.#assertOpen();
    return this.#topics.publish(textOf(topic), this, message, isBinary);
  }

  cork(cb: () => void): WebSocket<SocketUserData> {
    this.#assertOpen();
    cb();
    return this;
  }

  getRemoteAddress(): ArrayBuffer {
    this.#assertOpen();
    return toArrayBuffer(new Uint8Array(16));
  }

  getRemoteAddressAsText(): ArrayBuffer {
    this.#assertOpen();
    return toArrayBuffer(encoder.encode(this.#remoteAddress));
  }

  getUserData(): SocketUserData {
    this.#assertOpen();
    return this.#userData;
  }

  // ---- the peer side, used by the test -----------------------------------------------------

  /** What the test socket drives: each call is what a client's frame makes uWS do. */
  get transport(): SocketTransport {
    return {
      sendText: (text) => this.#receive(encoder.encode(text), false),
      sendBinary: (data) => this.#receive(data, true),
      ping: (data) => {
        if (this.#closed) return;
        this.#behavior.ping?.(this, toArrayBuffer(data));
        // uWS answers every ping with a pong by itself.
        this.#inbox.pushPong(data);
      },
      // uWS echoes the client's close frame and reports its code and reason.
      close: (code, reason) => {
        if (!this.#closed) this.#finish(code, reason, code, reason);
      },
      terminate: () => {
        if (!this.#closed) this.#finish(1006, '', 1006, '');
      },
    };
  }

  /** Hands a frame from the server (or a topic) to the test side; false once closed. */
  deliver(message: RecognizedString, isBinary: boolean): boolean {
    if (this.#closed) return false;
    if (isBinary) this.#inbox.pushMessage({ type: 'binary', data: new Uint8Array(bytesOf(message)) });
    else this.#inbox.pushMessage({ type: 'text', text: textOf(message) });
    return true;
  }

  #receive(data: Uint8Array, isBinary: boolean): void {
    if (this.#closed) return;
    // uWS hands the callback a buffer it detaches afterwards; a fresh copy plays the same role.
    void this.#behavior.message?.(this, toArrayBuffer(data), isBinary);
  }

  #finish(serverCode: number, serverReason: string, peerCode: number, peerReason: string): void {
    // As in uWS, the close callback runs synchronously and the socket is still readable in it.
    this.#behavior.close?.(this, serverCode, toArrayBuffer(encoder.encode(serverReason)));
    this.#closed = true;
    this.#topics.leave(this);
    this.#inbox.markClosed({ code: peerCode, reason: peerReason });
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('Invalid access of closed uWS.WebSocket/SSLWebSocket.');
  }
}

function bytesOf(message: RecognizedString): Uint8Array {
  if (typeof message === 'string') return encoder.encode(message);
  if (message instanceof ArrayBuffer) return new Uint8Array(message.slice(0));
  return new Uint8Array(message.buffer.slice(message.byteOffset, message.byteOffset + message.byteLength));
}

function textOf(message: RecognizedString): string {
  return typeof message === 'string' ? message : decoder.decode(bytesOf(message));
}

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(data.byteLength);
  new Uint8Array(copy).set(data);
  return copy;
}
