import { assertSendableCloseCode, CloseCode, truncateCloseReason, type CloseInfo } from './close-codes.js';
import type { ConnectionHooks, ConnectionInit } from './connection-init.js';
import { ConnectionIntake } from './connection-intake.js';
import { ClosingState } from './closing-state.js';
import { kActivity, kBeginClose, kClosed, kCork, kDrain, kHandler, kHeartbeat, kKeptOpen, kLogEvent, kSendFrame, kTimings, type LogFields, type LogLevel } from './connection-internals.js';
import type { EngineSocket } from './engine-socket.js';
import { ERROR_CODES } from './errors/error-codes.js';
import type { HandlerTimings } from './handler-timings.js';
import { liveFrameOf } from './message.js';
import { payloadBytes, sendResultOf, toFrame, type SendData, type SendResult } from './send-result.js';

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;
const RESOLVED: Promise<void> = Promise.resolve();
const decoder = new TextDecoder();

// #flags bits.
const KEPT_OPEN = 1;
const END_CALLED = 2;
// Other writers may fill the send buffer (topics, compression): always ask uWS before a send.
const EXACT_BACKPRESSURE = 8;

// Upper bound of what one frame adds to the send buffer beyond its payload (header and mask
// room), and of a control frame (ping, or the pong uWS sends for a peer's ping).
const FRAME_OVERHEAD = 14;
const CONTROL_FRAME = 127 + FRAME_OVERHEAD;

/**
 * One WebSocket connection: receive with `recv()` / `for await`, send with `send()` and
 * friends, topics, backpressure and close. Created by {@link ConnectionHub} when uWS opens a
 * socket; the raw uWS socket stays private, so nothing here can touch it after it closed.
 * See docs/websocket.md.
 *
 * @example
 * ```ts
 * async (ws: WebSocketConnection) => {
 *   for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
 * }
 * ```
 */
export class WebSocketConnection<TData = unknown> extends ConnectionIntake<TData> {
  #ws: EngineSocket | undefined;
  #state = OPEN;
  #flags = 0;
  readonly #hooks: ConnectionHooks;
  #messagesOut = 0;
  #bytesOut = 0;
  #sendsBuffered = 0;
  #sendsDropped = 0;
  // Bytes that may still be sent without asking uWS for the buffered amount: what was free at
  // the last check, less everything written to the socket since. Only this connection writes
  // to its socket unless it subscribed to a topic or compresses (then EXACT_BACKPRESSURE).
  #headroom = 0;
  #closeInfo: CloseInfo | undefined = undefined;
  #closing: ClosingState | undefined = undefined;
  [kHandler]: PromiseLike<void> | undefined = undefined;
  [kHeartbeat]: unknown = undefined;

  /** Wraps an open uWS socket. Normally called by {@link ConnectionHub}; a test harness may pass a stand-in. */
  constructor(ws: EngineSocket, init: ConnectionInit, hooks: ConnectionHooks = {}) {
    super(init);
    this.#ws = ws;
    this.#hooks = hooks;
    if (hooks.compress === true) this.#flags = EXACT_BACKPRESSURE;
  }

  /** True until a close starts (after that every send returns `'closed'`). */
  get isOpen(): boolean {
    return this.#state === OPEN;
  }

  /** How the connection ended; `undefined` while it is open. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo;
  }

  /** Resolves with the {@link CloseInfo} once the connection has closed, however that happened. */
  get closed(): Promise<CloseInfo> {
    const closing = this.#closingState();
    if (closing.closed !== undefined) return closing.closed;
    if (this.#closeInfo !== undefined) return (closing.closed = Promise.resolve(this.#closeInfo));
    return (closing.closed = new Promise((resolve) => (closing.resolveClosed = resolve)));
  }

  /** Frames sent (written or buffered). */
  get messagesOut(): number {
    return this.#messagesOut;
  }

  /** Payload bytes of the frames sent (written or buffered). */
  get bytesOut(): number {
    return this.#bytesOut;
  }

  /** Sends that went to the send buffer under backpressure (counted in {@link messagesOut} too). */
  get sendsBuffered(): number {
    return this.#sendsBuffered;
  }

  /** Sends dropped at the backpressure limit (not counted in {@link messagesOut}). */
  get sendsDropped(): number {
    return this.#sendsDropped;
  }

  /** Bytes waiting in the send buffer; 0 once closed. */
  get bufferedAmount(): number {
    return this.#ws === undefined ? 0 : this.#ws.getBufferedAmount();
  }

  /** Sends text as a text frame and bytes as a binary frame; a {@link Message} keeps its kind. */
  send(data: SendData): SendResult {
    if (typeof data === 'string') return this.#send(data, false);
    // Forwarding the text message being handled: its frame is still valid, send those bytes
    // rather than decoding and encoding the text.
    const live = liveFrameOf(data);
    if (live !== undefined) return this.#send(live, false);
    if (data instanceof Uint8Array || data instanceof ArrayBuffer) return this.#send(data, true);
    const frame = toFrame(data);
    return this.#send(frame.payload, frame.isBinary);
  }

  /** Sends a text frame. */
  sendText(text: string): SendResult {
    if (typeof text !== 'string') throw new TypeError('sendText(text): text must be a string');
    return this.#send(text, false);
  }

  /** Sends a binary frame. */
  sendBinary(data: Uint8Array | ArrayBuffer): SendResult {
    if (!(data instanceof Uint8Array || data instanceof ArrayBuffer)) {
      throw new TypeError('sendBinary(data): data must be a Uint8Array or ArrayBuffer');
    }
    return this.#send(data, true);
  }

  /** Sends `JSON.stringify(value)` as a **text** frame. Throws a `TypeError` for values JSON cannot represent. */
  sendJson(value: unknown): SendResult {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`sendJson(value): ${typeof value} cannot be sent as JSON`);
    return this.#send(text, false);
  }

  /**
   * Sends a server event `{ "type": type, "data": data }` (no `data` key when it is
   * `undefined`) as a JSON text frame: the envelope `events()` clients read (docs/events.md).
   * In an `events()` handler the connection is an `EventConnection`, whose `emit` only takes the
   * types and data the definition's `emits` declare. A prototype method: no connection pays
   * memory for it. Throws a `TypeError` for an empty type or data JSON cannot represent.
   *
   * @example
   * ```ts
   * ws.emit('chat.message', { from: 'ann', text: 'hi' }); // {"type":"chat.message","data":{...}}
   * ```
   */
  emit(type: string, data?: unknown): SendResult {
    if (typeof type !== 'string' || type === '') throw new TypeError('emit(type, data): type must be a non-empty string');
    return this.sendJson(data === undefined ? { type } : { type, data });
  }

  /** Sends a ping frame; the peer answers with a pong. Throws a `TypeError` past 125 bytes of data. */
  ping(data?: string | Uint8Array): SendResult {
    if (data !== undefined && payloadBytes(data) > 125) throw new TypeError('ping(data): a control frame carries at most 125 bytes');
    const ws = this.#ws;
    if (ws === undefined || this.#state !== OPEN) return 'closed';
    this.#headroom -= CONTROL_FRAME;
    return sendResultOf(data === undefined ? ws.ping() : ws.ping(data));
  }

  /**
   * Would send an unsolicited pong frame. uWS v20.30 exposes no way to send one (it answers
   * every ping with a pong itself), so this sends nothing and returns `'dropped'` while the
   * connection is open (`'closed'` after). Use {@link ping} for keep-alives.
   */
  pong(_data?: string | Uint8Array): SendResult {
    return this.#ws === undefined || this.#state !== OPEN ? 'closed' : 'dropped';
  }

  /**
   * Resolves when the send buffer is empty (at once if it already is) or the connection closed.
   *
   * @example
   * ```ts
   * if (ws.send(chunk) === 'buffered') await ws.drain();
   * ```
   */
  drain(): Promise<void> {
    const ws = this.#ws;
    if (ws === undefined || ws.getBufferedAmount() === 0) return RESOLVED;
    const closing = this.#closingState();
    return (closing.drained ??= new Promise((resolve) => (closing.resolveDrained = resolve)));
  }

  /** Subscribes to a topic. Returns false once closing. */
  subscribe(topic: string): boolean {
    if (this.#state !== OPEN || this.#ws === undefined) return false;
    // Publishers elsewhere now write to this socket too: ask uWS before every send from now on.
    this.#flags |= EXACT_BACKPRESSURE;
    this.#headroom = 0;
    const subscribed = this.#ws.subscribe(topic);
    this.#hooks.subscribed?.(this, topic);
    return subscribed;
  }

  /** Unsubscribes from a topic; false if it was not subscribed (or the connection closed). */
  unsubscribe(topic: string): boolean {
    if (this.#ws === undefined) return false;
    const was = this.#ws.unsubscribe(topic);
    this.#hooks.unsubscribed?.(this, topic);
    return was;
  }

  /** Whether this connection is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return this.#ws === undefined ? false : this.#ws.isSubscribed(topic);
  }

  /** The topics this connection is subscribed to (empty once closed). */
  get topics(): readonly string[] {
    return this.#ws === undefined ? [] : this.#ws.getTopics();
  }

  /**
   * Sends to every subscriber of `topic` except this connection (also after it closed).
   * Returns uWS's answer: false when nobody else received it.
   */
  publish(topic: string, data: SendData): boolean {
    const live = liveFrameOf(data);
    const frame = live !== undefined ? { payload: live, isBinary: false } : toFrame(data);
    this.#hooks.relay?.(topic, frame.payload, frame.isBinary);
    if (this.#ws !== undefined) return this.#ws.publish(topic, frame.payload, frame.isBinary, this.#hooks.compress);
    return this.#hooks.publish?.(topic, frame.payload, frame.isBinary) ?? false;
  }

  /**
   * Closes with a close frame carrying `code` and `reason` (cut to 123 UTF-8 bytes at a
   * character boundary) and resolves with the {@link CloseInfo}. With nothing buffered the frame
   * goes out at once and the promise resolves at once: uWS ends the socket immediately and
   * never reports the peer's answering frame. With data buffered, the frame is sent when the
   * buffer drains, or the socket is terminated after `closeTimeoutMs` (1006). Closing an
   * already closing connection returns the same promise. Throws a `TypeError` for a code that
   * may not be sent (see {@link isSendableCloseCode}).
   */
  close(code: number = CloseCode.NORMAL, reason = ''): Promise<CloseInfo> {
    assertSendableCloseCode(code);
    if (typeof reason !== 'string') throw new TypeError('close(code, reason): reason must be a string');
    this[kBeginClose](code, truncateCloseReason(reason), this.options.closeTimeoutMs);
    return this.closed;
  }

  /** Cuts the TCP connection without a close frame: the peer sees 1006. */
  terminate(): void {
    const ws = this.#ws;
    if (ws === undefined) return;
    this.#state = CLOSING;
    this.#flags |= END_CALLED;
    try {
      // uWS runs the close callback (and so #settle) synchronously inside close().
      ws.close();
    } catch {
      // The socket was already gone on the native side; settle below all the same.
    }
    if (this.#ws !== undefined) this.#settle(CloseCode.ABNORMAL, '');
  }

  /** Keeps the connection open after the handler returns (the handler runner closes it otherwise). */
  keepOpen(): void {
    this.#flags |= KEPT_OPEN;
  }

  get [kKeptOpen](): boolean {
    return (this.#flags & KEPT_OPEN) !== 0;
  }

  [kCork](fn: () => void): void {
    const ws = this.#ws;
    if (ws === undefined || this.#state !== OPEN) return fn();
    let ran = false;
    try {
      ws.cork(() => {
        ran = true;
        fn();
      });
    } catch (err) {
      // uWS refused to cork (the socket went away on the native side): run uncorked.
      if (!ran) return fn();
      throw err;
    }
  }

  override [kLogEvent](level: LogLevel, fields: LogFields): void {
    super[kLogEvent](level, fields);
    this.#hooks.onEvent?.(this, fields);
  }

  get [kTimings](): HandlerTimings | undefined {
    return this.#hooks.timings;
  }

  override [kActivity](): void {
    super[kActivity]();
    // A ping from the peer makes uWS queue a pong.
    this.#headroom -= CONTROL_FRAME;
  }

  [kDrain](): void {
    const ws = this.#ws;
    if (ws === undefined || ws.getBufferedAmount() !== 0) return;
    this.#resolveDrain();
    if (this.#state === CLOSING && (this.#flags & END_CALLED) === 0) this.#end();
  }

  [kClosed](code: number, message: ArrayBuffer): void {
    if (this.#ws === undefined) return;
    this.#settle(code, message.byteLength === 0 ? '' : decoder.decode(message));
  }

  /** Starts a close with an already validated code and reason; `timeoutMs` undefined = no timer. */
  [kBeginClose](code: number, reason: string, timeoutMs: number | undefined): void {
    const ws = this.#ws;
    if (ws === undefined || this.#state !== OPEN) return;
    this.#state = CLOSING;
    const closing = this.#closingState();
    closing.code = code;
    closing.reason = reason;
    if (ws.getBufferedAmount() === 0) return this.#end();
    if (timeoutMs !== undefined) closing.timer = setTimeout(() => this.#closeTimedOut(), timeoutMs);
  }

  /** Sends a frame whose payload is already encoded (broadcast encodes once for everyone). */
  [kSendFrame](payload: string | Uint8Array | ArrayBuffer, isBinary: boolean): SendResult {
    return this.#send(payload, isBinary);
  }

  #send(payload: string | Uint8Array | ArrayBuffer, isBinary: boolean): SendResult {
    const ws = this.#ws;
    if (ws === undefined || this.#state !== OPEN) return 'closed';
    const limit = this.options.maxBackpressure;
    if (limit !== 0) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: a bound that needs no encoding pass.
      const cost = (typeof payload === 'string' ? payload.length * 3 : payload.byteLength) + FRAME_OVERHEAD;
      if (cost <= this.#headroom) {
        // Even if nothing left the buffer since the last check, this frame stays in the limit.
        this.#headroom -= cost;
      } else {
        const buffered = ws.getBufferedAmount();
        if (buffered !== 0 && buffered + payloadBytes(payload) > limit) return this.#overLimit(buffered);
        this.#headroom = (this.#flags & EXACT_BACKPRESSURE) === 0 ? limit - buffered - cost : 0;
      }
    }
    const status = ws.send(payload, isBinary, this.#hooks.compress);
    if (status === 2) {
      this.#sendsDropped++;
      return 'dropped';
    }
    this.#messagesOut++;
    this.#bytesOut += typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (status === 0) this.#sendsBuffered++;
    return sendResultOf(status);
  }

  #closingState(): ClosingState {
    return (this.#closing ??= new ClosingState());
  }

  #closeTimedOut(): void {
    this[kLogEvent]('warn', { event: 'ws.close_timeout', bufferedAmount: this.bufferedAmount, code: this.#closingState().code });
    this.terminate();
  }

  #overLimit(buffered: number): SendResult {
    this.#sendsDropped++;
    if (this.options.closeOnBackpressureLimit) {
      this[kLogEvent]('warn', { event: 'ws.backpressure_limit', bufferedAmount: buffered, maxBackpressure: this.options.maxBackpressure });
      const { closeCode, message } = ERROR_CODES.BACKPRESSURE_LIMIT;
      this[kBeginClose](closeCode, message, this.options.closeTimeoutMs);
    }
    return 'dropped';
  }

  #end(): void {
    const ws = this.#ws;
    if (ws === undefined) return;
    this.#flags |= END_CALLED;
    const { code, reason } = this.#closingState();
    try {
      // uWS runs the close callback (and so #settle) synchronously inside end().
      ws.end(code, reason);
    } catch {
      // The socket was already gone on the native side; settle below all the same.
    }
    if (this.#ws !== undefined) this.#settle(code, reason);
  }

  #settle(code: number, reason: string): void {
    this.#ws = undefined;
    this.#state = CLOSED;
    const closing = this.#closing;
    if (closing?.timer !== undefined) clearTimeout(closing.timer);
    const info: CloseInfo = { code, reason, wasClean: code !== CloseCode.ABNORMAL, initiatedBy: (this.#flags & END_CALLED) !== 0 ? 'server' : 'client' };
    this.#closeInfo = info;
    this.closeInbox();
    this.#resolveDrain();
    closing?.resolveClosed?.(info);
    this.#hooks.onClose?.(this, info);
    this.consumerClosed();
  }

  #resolveDrain(): void {
    const closing = this.#closing;
    if (closing === undefined) return;
    const resolve = closing.resolveDrained;
    closing.drained = undefined;
    closing.resolveDrained = undefined;
    resolve?.();
  }
}
