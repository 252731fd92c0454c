/**
 * The socket side of the engine port: what a connection, the hub and the socket behavior need
 * from one engine socket. uWebSockets.js's `WebSocket` satisfies it as it is, so the fast path
 * costs no wrapper; `@kindling/core`'s `node` engine implements it over the `ws` package with
 * the same rules. See docs/engines.md.
 */

/** What a socket can send: text, or bytes. */
export type EnginePayload = string | ArrayBuffer | ArrayBufferView;

/**
 * The answer of {@link EngineSocket.send}: `1` written, `0` accepted but buffered
 * (backpressure), `2` dropped because the engine's own backpressure limit was exceeded.
 */
export type EngineSendStatus = number;

/**
 * One open WebSocket, as an engine exposes it. The rules every engine keeps (uWS's own):
 * - `end()` and `close()` run the behavior's `close` callback synchronously, before they
 *   return; any later call on the socket may throw.
 * - `publish()` reaches every subscriber of the topic except this socket.
 * - `cork()` runs its callback at once and sends what it wrote in as few writes as possible.
 */
export interface EngineSocket<TUserData = unknown> {
  /** Sends a frame. See {@link EngineSendStatus}. */
  send(message: EnginePayload, isBinary?: boolean, compress?: boolean): EngineSendStatus;
  /** Bytes waiting to be written to the peer. */
  getBufferedAmount(): number;
  /** Sends a ping frame. */
  ping(message?: EnginePayload): EngineSendStatus;
  /** Sends a close frame with `code` and `reason`, then ends the socket. */
  end(code?: number, shortMessage?: EnginePayload): void;
  /** Cuts the TCP connection without a close frame. */
  close(): void;
  /** Runs `cb` with the socket's writes batched. */
  cork(cb: () => void): unknown;
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  isSubscribed(topic: string): boolean;
  getTopics(): string[];
  /** Sends to every subscriber of `topic` except this socket. */
  publish(topic: string, message: EnginePayload, isBinary?: boolean, compress?: boolean): boolean;
  /** The user data the upgrade attached. */
  getUserData(): TUserData;
}

/** The app-wide publish of an engine: every subscriber of `topic`. */
export interface EnginePublisher {
  publish(topic: string, message: EnginePayload, isBinary?: boolean, compress?: boolean): boolean;
}

/**
 * The per-socket callbacks and limits an engine serves WebSocket routes with (uWS's
 * `WebSocketBehavior` shape, which uWS takes as it is). The upgrade callback belongs to the
 * engine's HTTP side: its type is the engine's.
 */
export interface EngineSocketBehavior<TUserData, TUpgrade> {
  /** Off in Kindling behaviors: timeouts are swept by Kindling itself. */
  idleTimeout: number;
  sendPingsAutomatically: boolean;
  /** The engine's hard frame limit: larger frames end the connection. */
  maxPayloadLength: number;
  /** The engine's own backpressure limit (`0`: none). */
  maxBackpressure: number;
  /** `0` for no compression; else the engine's compressor setting. */
  compression: number;
  upgrade: TUpgrade;
  open(ws: EngineSocket<TUserData>): void;
  message(ws: EngineSocket<TUserData>, frame: ArrayBuffer, isBinary: boolean): void;
  drain(ws: EngineSocket<TUserData>): void;
  ping(ws: EngineSocket<TUserData>, message: ArrayBuffer): void;
  pong(ws: EngineSocket<TUserData>, message: ArrayBuffer): void;
  close(ws: EngineSocket<TUserData>, code: number, message: ArrayBuffer): void;
  /**
   * The engine refused what the peer sent and closed the connection with `code` (the close
   * callback follows): `error` is the engine's name for the fault, `detail` its text. Called by
   * engines that report it (`node`); uWS drops such connections without telling why.
   */
  protocolError?(ws: EngineSocket<TUserData>, code: number, error: string, detail: string): void;
}
