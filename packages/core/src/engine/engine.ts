import type { EnginePayload, EnginePublisher, EngineSocketBehavior, SocketUserData } from '@kindling/websocket';

/**
 * The engine port: the one small interface everything above the engine (router, HTTP and
 * upgrade pipelines, connections, policies, shutdown) talks to. Its shape is uWebSockets.js's
 * own, so the `uws` engine passes uWS's objects through untouched; the `node` engine implements
 * the same calls over `node:http` and `ws`. See docs/engines.md.
 */

/** The engines Kindling runs on. */
export type EngineName = 'uws' | 'node';

/** What `new App(router, { engine })` and `KINDLING_ENGINE` accept. */
export type EngineSetting = EngineName | 'auto';

/**
 * One HTTP request, valid only inside the synchronous callback it was passed to: copy what
 * you need before any `await`.
 */
export interface EngineRequest {
  /** The method as sent (case kept). */
  getCaseSensitiveMethod(): string;
  /** The path, still percent-encoded, without the query string. */
  getUrl(): string;
  /** The raw query string without `?`; `undefined` or `''` when absent. */
  getQuery(): string | undefined;
  /** Calls `cb` once per header line, with lower-case names, in arrival order. */
  forEach(cb: (name: string, value: string) => void): void;
}

/**
 * One HTTP response (and, for an upgrade request, the way to accept it). The rules every
 * engine keeps (uWS's own): the response is answered exactly once; a callback that returns
 * without answering must have registered `onAborted`; after the answer or an abort the object
 * must not be touched.
 */
export interface EngineResponse {
  /**
   * `'404 Not Found'`-style status; `200 OK` when never called. Text may be given as its bytes
   * (as may header names and values): a constant encoded once is cheaper to hand to uWS.
   */
  writeStatus(status: EnginePayload): unknown;
  writeHeader(name: EnginePayload, value: EnginePayload): unknown;
  /** Ends the response with `body`; `closeConnection` closes the connection after it. */
  end(body?: EnginePayload, closeConnection?: boolean): unknown;
  /** Ends without a body; with `reportedContentLength` (HEAD) that length is announced. */
  endWithoutBody(reportedContentLength?: number, closeConnection?: boolean): unknown;
  /** Runs `handler` if the client goes away before the answer. */
  onAborted(handler: () => void): unknown;
  /** Streams the request body: `chunk` is only valid during the call; `isLast` on the final one. */
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): unknown;
  /** Runs `cb` with writes batched; required around writes made after the first callback returned. */
  cork(cb: () => void): unknown;
  /** The peer's address as text bytes. */
  getRemoteAddressAsText(): ArrayBuffer;
  /**
   * Accepts a WebSocket upgrade: sends the 101 (with the headers written so far) and opens
   * the socket, running the behavior's `open` synchronously before it returns.
   */
  upgrade(userData: SocketUserData, secWebSocketKey: string, secWebSocketProtocol: string, secWebSocketExtensions: string, context: unknown): void;
}

/** The HTTP callback an engine calls for every request that is not a WebSocket upgrade. */
export type EngineHttpHandler = (res: EngineResponse, req: EngineRequest) => void;

/** The callback an engine calls for every WebSocket upgrade request; `context` goes back to `upgrade()`. */
export type EngineUpgradeHandler = (res: EngineResponse, req: EngineRequest, context: unknown) => void;

/** The behavior an engine serves every WebSocket with. */
export type EngineBehavior = EngineSocketBehavior<SocketUserData, EngineUpgradeHandler>;

/** Where and how to listen. */
export interface EngineListenOptions {
  readonly host: string;
  readonly port: number;
  /** Let other sockets bind the same port (SO_REUSEPORT). */
  readonly reusePort: boolean;
}

/** TLS certificate files for an HTTPS/WSS server. */
export interface EngineTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly passphrase?: string | undefined;
}

/** One server on one engine: a WebSocket behavior, an HTTP handler, a listen socket. */
export interface EngineServer extends EnginePublisher {
  /** Serves every WebSocket upgrade with `behavior`. Call once, before {@link listen}. */
  ws(behavior: EngineBehavior): void;
  /** Serves every other request with `handler`. Call once, before {@link listen}. */
  any(handler: EngineHttpHandler): void;
  /** Binds and starts accepting; resolves with the bound port. Rejects with a `ListenError`. */
  listen(options: EngineListenOptions): Promise<number>;
  /** Stops accepting new connections; open ones stay. */
  stopListening(): void;
  /** Closes every connection still open (idle keep-alive ones included) and frees the server. */
  close(): void;
}

/** What a server is made with. */
export interface EngineServerOptions {
  /** HTTPS/WSS with these files; plain HTTP when absent. */
  readonly tls?: EngineTls | undefined;
  /** The app's header limit (Kindling answers 431 past it; the engine must let such requests through). */
  readonly maxHeaderBytes: number;
}

/** An engine: makes servers. */
export interface Engine {
  readonly name: EngineName;
  /** The compression setting for a behavior: shared compressor when `on`, none otherwise. */
  compression(on: boolean): number;
  createServer(options: EngineServerOptions): EngineServer;
}
