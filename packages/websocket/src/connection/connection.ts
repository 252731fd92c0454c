import type { Logger } from 'pino';
import { assertSendableCloseCode, CloseCode, truncateCloseReason, type CloseInfo } from '../close-codes.js';
import type { ConnectionOptions } from '../connection-options.js';
import type { DtoClass, DtoOptions } from '../dto.js';
import type { EngineSocket } from '../engine-socket.js';
import { ERROR_CODES } from '../errors/error-codes.js';
import type { HandlerTimings } from '../handler-timings.js';
import type { TIMEOUT } from '../inbox.js';
import { liveFrameOf, type Message } from '../message.js';
import { describeValue } from '../received-value.js';
import { payloadBytes, sendResultOf, toFrame, type SendData, type SendResult } from '../send-result.js';
import { formatSerial, idText, newSerial, type IdSource } from '../serial-id.js';
import { Closing } from './closing.js';
import {
  kActivity,
  kActivityCount,
  kAttachConsumer,
  kBeginClose,
  kClosed,
  kCork,
  kDrain,
  kFlush,
  kHandler,
  kHeartbeat,
  kKeptOpen,
  kLogEvent,
  kMessage,
  kSendFrame,
  kSerial,
  kTimings,
} from './connection-symbols.js';
import { Inbound } from './inbound.js';
import type { LogFields, LogLevel } from './log-event.js';
import type { MessageConsumer } from './message-consumer.js';

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
 * Everything a connection needs from the upgrade request, prepared by whoever runs the
 * upgrade (`@kindling/core`, or your own uWS `upgrade` callback) and passed as uWS user data.
 */
export interface ConnectionInit {
  /** The route pattern, e.g. `/ws/room/{room_id}` (logged as `route`). */
  route: string;
  /** The peer's address as text. */
  remoteAddress: string;
  /** The negotiated subprotocol, `''` for none. */
  protocol: string;
  /**
   * The upgrade request's id (logged as `requestId`): its text, or a serial from `newSerial()`
   * whose text is made when read.
   */
  requestId: IdSource;
  /** Becomes `ws.data`. */
  data: unknown;
  /** The parent of the connection's `ws.log` (a child with `connId`, `route`, `requestId`). */
  logger: Logger;
  /** Resolved options, see `resolveConnectionOptions`. */
  options: ConnectionOptions;
  /** Called once the connection is open and registered; typically starts the handler with `runHandler`. */
  start(conn: WebSocketConnection): void;
}

/**
 * The uWS user data of a Kindling socket. Upgrade with `{ init }`; `open` adds `connection`.
 *
 * @example
 * ```ts
 * res.upgrade<SocketUserData>({ init }, key, protocol, extensions, context);
 * ```
 */
export interface SocketUserData {
  init: ConnectionInit;
  connection?: WebSocketConnection;
}

/** How the code that owns the sockets plugs into a connection. One object can serve them all. */
export interface ConnectionHooks {
  /** Ask uWS to compress outgoing frames (only takes effect when permessage-deflate was negotiated). */
  readonly compress?: boolean;
  /** App-wide publish, used by `ws.publish()` after this socket closed (it no longer is a subscriber). */
  readonly publish?: (topic: string, payload: string | Uint8Array | ArrayBuffer, isBinary: boolean) => boolean;
  /** Carries a `ws.publish()` to other threads/nodes (the topic bus); local delivery is the engine's. */
  readonly relay?: (topic: string, payload: string | Uint8Array | ArrayBuffer, isBinary: boolean) => void;
  /** The connection subscribed to `topic` (called on every subscribe; repeats are the receiver's to ignore). */
  readonly subscribed?: (conn: WebSocketConnection, topic: string) => void;
  /** The connection unsubscribed from `topic` (not called for the topics it leaves by closing). */
  readonly unsubscribed?: (conn: WebSocketConnection, topic: string) => void;
  /** Called exactly once when the connection has closed. */
  readonly onClose?: (conn: WebSocketConnection, info: CloseInfo) => void;
  /** Sees every lifecycle event the connection logs (whether or not its level is enabled), for counting. */
  readonly onEvent?: (conn: WebSocketConnection, fields: LogFields) => void;
  /** Times `messageHandler` / `batchHandler` calls when set. */
  readonly timings?: HandlerTimings;
}

/**
 * V8 keeps a string built by concatenation (a request id is) as a chain of its pieces, several
 * hundred bytes for a UUID; reading a character makes V8 flatten it in place.
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * One WebSocket connection: receive with `recv()` / `for await`, send with `send()` and
 * friends, topics, backpressure and close. Created by {@link ConnectionHub} when the engine opens a
 * socket; the engine socket stays private, so nothing here can touch it after it closed.
 * See docs/websocket.md.
 *
 * The class declares its whole API here and owns its parts: the inbound path (limits,
 * consumer, inbox and their counts) and the closing state, each made on first use so an
 * idle connection holds neither. Every call on the engine socket is made in this file.
 *
 * @example
 * ```ts
 * async (ws: WebSocketConnection) => {
 *   for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
 * }
 * ```
 */
export class WebSocketConnection<TData = unknown> implements AsyncIterable<Message> {
  // Identity: ids and data are made when first read, so an idle connection holds numbers
  // rather than strings and objects.
  /** The number behind {@link id}; the registry keys connections by it. */
  readonly [kSerial]: number = newSerial();
  /** The peer's address as text. */
  readonly remoteAddress: string;
  /** The negotiated subprotocol, `''` for none. */
  readonly protocol: string;
  /** The route pattern this connection matched. */
  readonly route: string;
  /** The limits this connection runs with. */
  readonly options: Readonly<ConnectionOptions>;
  /** When the connection opened (ms since the epoch). */
  readonly openedAt: number = Date.now();
  #data: unknown;
  readonly #requestId: IdSource;
  readonly #parentLog: Logger;
  #log: Logger | undefined = undefined;

  // The socket side.
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

  // Owned parts, made on first use.
  #inbound: Inbound | undefined = undefined;
  #closing: Closing | undefined = undefined;
  // Pings and pongs received; with the inbound messages, the activity the policies watch.
  #controlIn = 0;

  [kHandler]: PromiseLike<void> | undefined = undefined;
  [kHeartbeat]: unknown = undefined;

  /** Wraps an open engine socket. Normally called by {@link ConnectionHub}; a test harness may pass a stand-in. */
  constructor(ws: EngineSocket, init: ConnectionInit, hooks: ConnectionHooks = {}) {
    this.remoteAddress = init.remoteAddress;
    this.protocol = init.protocol;
    this.#requestId = typeof init.requestId === 'string' ? flatten(init.requestId) : init.requestId;
    this.route = init.route;
    this.#data = init.data;
    this.options = init.options;
    this.#parentLog = init.logger;
    this.#ws = ws;
    this.#hooks = hooks;
    if (hooks.compress === true) this.#flags = EXACT_BACKPRESSURE;
  }

  // ---- Identity ----

  /**
   * A UUID-shaped id, unique within the process, logged as `connId`: a per-process random prefix
   * and a counter shared with request ids (see docs/websocket.md). Unique, not secret. Its text
   * is made when read, so an idle connection does not hold it.
   */
  get id(): string {
    return formatSerial(this[kSerial]);
  }

  /** The upgrade request's id (when the upgrade made a new one, its text is made when read). */
  get requestId(): string {
    return idText(this.#requestId);
  }

  /**
   * Application data attached at upgrade time (in `@kindling/core`, the request's `locals`); an
   * empty object, created on first read, when none was attached.
   */
  get data(): TData {
    return (this.#data ??= {}) as TData;
  }

  /** A pino child logger with `connId`, `route` and `requestId` (created on first use). */
  get log(): Logger {
    return (this.#log ??= this.#parentLog.child({ connId: this.id, route: this.route, requestId: this.requestId }));
  }

  // ---- State ----

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
    return this.#closingPart().closed(this.#closeInfo);
  }

  // ---- Receiving ----

  /** Messages received from the peer. */
  get messagesIn(): number {
    return this.#inbound === undefined ? 0 : this.#inbound.messagesIn;
  }

  /** Payload bytes of the messages received from the peer. */
  get bytesIn(): number {
    return this.#inbound === undefined ? 0 : this.#inbound.bytesIn;
  }

  /**
   * Received messages never delivered to the handler: too large, arriving with the queue (or a
   * batch buffer) full, or over the rate limit.
   */
  get messagesDropped(): number {
    return this.#inbound === undefined ? 0 : this.#inbound.messagesDropped;
  }

  /** Received messages dropped by the rate limit (also counted in {@link messagesDropped}). */
  get messagesRateLimited(): number {
    return this.#inbound === undefined ? 0 : this.#inbound.messagesRateLimited;
  }

  /**
   * The next message, in arrival order; `null` once the connection is closed and every queued
   * message was read.
   */
  recv(): Promise<Message | null> {
    return this.#inboundPart().recv();
  }

  /**
   * Like {@link recv}, but resolves with the {@link TIMEOUT} symbol when no message arrives
   * within `ms`. `null` still means closed, so the three outcomes never mix.
   *
   * @example
   * ```ts
   * const msg = await ws.recvTimeout(5_000);
   * if (msg === TIMEOUT) ws.sendJson({ hint: 'still there?' });
   * else if (msg === null) return; // closed
   * ```
   */
  recvTimeout(ms: number): Promise<Message | null | typeof TIMEOUT> {
    if (typeof ms !== 'number' || !(ms >= 0) || ms > 2 ** 31 - 1) {
      throw new TypeError(`recvTimeout(ms): ms must be a number from 0 to 2147483647, got ${describeValue(ms)}`);
    }
    return this.#inboundPart().recvTimeout(ms);
  }

  /**
   * The next message parsed as JSON, and validated into an instance of `dto` when one is given;
   * `null` once closed. Throws `KindlingError` `INVALID_JSON` (1007) or `VALIDATION_FAILED`
   * (4422) — left uncaught in a handler, that closes the connection with the error's code.
   *
   * @example
   * ```ts
   * const join = await ws.recvJson(JoinRoom); // JoinRoom instance, validated
   * ```
   */
  recvJson<T = unknown>(): Promise<T | null>;
  recvJson<T extends object>(dto: DtoClass<T>, options?: DtoOptions): Promise<T | null>;
  recvJson<T>(dto?: DtoClass<T & object>, options?: DtoOptions): Promise<T | null> {
    return this.#inboundPart().recvJson(dto, options);
  }

  /** Iterates messages in order; ends when the connection closes (after the queued ones). */
  [Symbol.asyncIterator](): AsyncIterator<Message, undefined> {
    return this.#inboundPart()[Symbol.asyncIterator]();
  }

  // ---- Sending ----

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
    return this.#closingPart().drained();
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

  // ---- Internal hooks (connection-symbols.ts), for the hub, adapters and policies ----

  /** A message arrived from the engine. */
  [kMessage](frame: ArrayBuffer, isBinary: boolean): void {
    // Kept this small so that V8 inlines the whole inbound path into the engine's callback.
    (this.#inbound ?? this.#inboundPart()).receive(frame, isBinary);
  }

  /** A ping or pong arrived. */
  [kActivity](): void {
    this.#controlIn++;
    // A ping from the peer makes uWS queue a pong.
    this.#headroom -= CONTROL_FRAME;
  }

  /**
   * Inbound events so far (messages, pings, pongs), read by the heartbeat and idle timeout;
   * the message path counts messages once, for this and `messagesIn` alike.
   */
  get [kActivityCount](): number {
    return this.#controlIn + this.messagesIn;
  }

  /**
   * Hands every later message to `consumer` instead of the inbox; messages already queued go
   * first. Throws when the connection already has one.
   */
  [kAttachConsumer](consumer: MessageConsumer): void {
    this.#inboundPart().attach(consumer);
  }

  /** Shutdown: the consumer delivers what it holds now. */
  [kFlush](): Promise<void> | undefined {
    return this.#inbound?.flush();
  }

  /**
   * Logs a lifecycle event with `connId`, `route` and `requestId` through the child logger when
   * one exists, else through the parent without creating one (nothing at all when the level is
   * off).
   */
  [kLogEvent](level: LogLevel, fields: LogFields): void {
    const log = this.#log;
    if (log !== undefined) log[level](fields, fields.event);
    else if (this.#parentLog.isLevelEnabled(level))
      this.#parentLog[level]({ connId: this.id, route: this.route, requestId: this.requestId, ...fields }, fields.event);
    this.#hooks.onEvent?.(this, fields);
  }

  /** Where `messageHandler` / `batchHandler` report call durations (the hub's, when metrics are on). */
  get [kTimings](): HandlerTimings | undefined {
    return this.#hooks.timings;
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

  [kDrain](): void {
    const ws = this.#ws;
    if (ws === undefined || ws.getBufferedAmount() !== 0) return;
    this.#closing?.resolveDrained();
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
    const closing = this.#closingPart();
    closing.code = code;
    closing.reason = reason;
    if (ws.getBufferedAmount() === 0) return this.#end();
    if (timeoutMs !== undefined) closing.startTimer(timeoutMs, () => this.#closeTimedOut());
  }

  /** Sends a frame whose payload is already encoded (broadcast encodes once for everyone). */
  [kSendFrame](payload: string | Uint8Array | ArrayBuffer, isBinary: boolean): SendResult {
    return this.#send(payload, isBinary);
  }

  // ---- Private ----

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

  #inboundPart(): Inbound {
    return (this.#inbound ??= new Inbound(this));
  }

  #closingPart(): Closing {
    return (this.#closing ??= new Closing());
  }

  #closeTimedOut(): void {
    this[kLogEvent]('warn', { event: 'ws.close_timeout', bufferedAmount: this.bufferedAmount, code: this.#closingPart().code });
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
    const { code, reason } = this.#closingPart();
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
    const info: CloseInfo = { code, reason, wasClean: code !== CloseCode.ABNORMAL, initiatedBy: (this.#flags & END_CALLED) !== 0 ? 'server' : 'client' };
    this.#closeInfo = info;
    this.#inbound?.endInbox();
    this.#closing?.settle(info);
    this.#hooks.onClose?.(this, info);
    this.#inbound?.endConsumer();
  }
}
