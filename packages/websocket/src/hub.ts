import type { Logger } from 'pino';
import { assertSendableCloseCode, CloseCode, truncateCloseReason, type CloseInfo } from './close-codes.js';
import { DEFAULT_CONNECTION_OPTIONS } from './connection-options.js';
import { WebSocketConnection, type ConnectionHooks, type ConnectionInit, type SocketUserData } from './connection/connection.js';
import { kActivity, kBeginClose, kClosed, kDrain, kFlush, kHandler, kLogEvent, kMessage } from './connection/connection-symbols.js';
import type { EngineSocket, EngineSocketBehavior } from './engine-socket.js';
import { ERROR_CODES } from './errors/error-codes.js';
import type { HandlerTimings } from './handler-timings.js';
import { Heartbeats } from './heartbeat.js';
import { IdleTimeout } from './idle-timeout.js';
import { ConnectionRegistry } from './registry.js';
import { createSocketBehavior, type BehaviorOptions, type Publisher } from './socket-behavior.js';
import { Sweeper } from './sweeper.js';
import { isLocalBus, localBus } from './bus/local-bus.js';
import type { BusPayload, TopicBus } from './bus/topic-bus.js';
import { TopicInterest } from './bus/topic-interest.js';

/** Options for {@link ConnectionHub}. */
export interface ConnectionHubOptions {
  /** The app logger; connection events (`ws.open`, `ws.close`, ...) are logged through it. */
  logger: Logger;
  /**
   * Called once for every connection after it closed and left the registry (after the
   * `ws.close` log line). `@kindling/core` releases per-address connection counts here.
   */
  onClose?: (conn: WebSocketConnection, info: CloseInfo) => void;
  /**
   * Carries publishes to other threads/nodes (see docs/scaling.md).
   * @default localBus() (nothing leaves this app)
   */
  bus?: TopicBus;
  /** Sees every lifecycle event a connection logs (`ws.handler_error`, ...), for metrics. */
  onEvent?: ConnectionHooks['onEvent'];
  /** Times `messageHandler` / `batchHandler` calls (metrics); unset: no timing at all. */
  timings?: HandlerTimings;
}

/** Policy counts of a hub since it was created (see {@link ConnectionHub.counters}). */
export interface HubCounters {
  /** Pings sent by the heartbeat. */
  readonly heartbeatPings: number;
  /** Connections closed because they did not answer a heartbeat ping in time. */
  readonly heartbeatTimeouts: number;
  /** Messages dropped by connection rate limits (counted when their connection closes). */
  readonly rateLimitedMessages: number;
}

/** Options for {@link ConnectionHub.closeAll}. */
export interface CloseAllOptions {
  /** @default 1001 */
  code?: number;
  /** @default 'Server shutting down' */
  reason?: string;
  /**
   * The whole budget: flushing batch buffers, buffered data (so the close frame can go out)
   * and running handlers; then every connection still open is terminated.
   * @default 5000
   */
  timeoutMs?: number;
}

/** What {@link ConnectionHub.closeAll} did. */
export interface CloseAllResult {
  /** Connections that ended with a close frame (sent by us, or by the peer meanwhile). */
  closed: number;
  /** Connections terminated without a close frame (their buffer did not drain in time). */
  forced: number;
}

/**
 * The connections of one app: builds the uWS behavior, wraps each socket in a
 * {@link WebSocketConnection}, keeps the {@link ConnectionRegistry}, publishes to topics,
 * sweeps idle timeouts with a single timer and closes everything on shutdown. Usable without
 * `@kindling/core` on a hand-made uWS app.
 *
 * @example
 * ```ts
 * const hub = new ConnectionHub({ logger: pino() });
 * const app = uWS.App();
 * hub.attach(app);
 * app.ws('/*', hub.behavior({ upgrade, maxPayloadLength: 16 * 1024 * 1024, compression: uWS.DISABLED, maxBackpressure: 2 * 1024 * 1024 }));
 * ```
 */
export class ConnectionHub {
  /** Every open connection. */
  readonly connections = new ConnectionRegistry();
  /** The shared timer for per-connection checks (idle timeout; heartbeats plug in the same way). */
  readonly sweeper: Sweeper;
  /** The bus that carries publishes to other threads/nodes. */
  readonly bus: TopicBus;
  // Only for a bus that carries anything: the in-process bus costs the hot path nothing.
  readonly #interest: TopicInterest | undefined;
  readonly #log: Logger;
  readonly #heartbeats: Heartbeats;
  readonly #onClose: ((conn: WebSocketConnection, info: CloseInfo) => void) | undefined;
  readonly #spentInit: ConnectionInit;
  readonly #onEvent: ConnectionHooks['onEvent'];
  readonly #timings: HandlerTimings | undefined;
  #rateLimited = 0;
  #app: Publisher | undefined;
  #compress = false;

  constructor(options: ConnectionHubOptions) {
    this.#log = options.logger;
    this.#onClose = options.onClose;
    this.bus = options.bus ?? localBus();
    this.#interest = isLocalBus(this.bus) ? undefined : new TopicInterest(this.bus);
    this.#onEvent = options.onEvent;
    this.#timings = options.timings;
    this.sweeper = new Sweeper((err) => this.#log.error({ event: 'ws.sweep_error', err }, 'ws.sweep_error'));
    this.#heartbeats = new Heartbeats(this.sweeper);
    this.#spentInit = Object.freeze({
      route: '',
      remoteAddress: '',
      protocol: '',
      requestId: '',
      data: undefined,
      logger: options.logger,
      options: DEFAULT_CONNECTION_OPTIONS,
      start: () => undefined,
    });
  }

  /** Heartbeat and rate-limit counts since the hub was created. */
  get counters(): HubCounters {
    const { heartbeatPings, heartbeatTimeouts } = this.#heartbeats.counters;
    return { heartbeatPings, heartbeatTimeouts, rateLimitedMessages: this.#rateLimited };
  }

  /** Remembers the app (a uWS app or any engine's publisher), for {@link publish}. */
  attach(app: Publisher): void {
    this.#app = app;
  }

  /**
   * Sends to every connection subscribed to `topic` (uWS `app.publish`). Returns false when
   * nobody is subscribed. Throws if {@link attach} was not called.
   */
  publish(topic: string, data: string | Uint8Array | ArrayBuffer, isBinary: boolean = typeof data !== 'string'): boolean {
    if (this.#app === undefined) throw new Error('ConnectionHub.publish(): call attach(app) first');
    if (this.#interest !== undefined) this.bus.publish(topic, data, isBinary);
    return this.#app.publish(topic, data, isBinary, this.#compress);
  }

  /** Delivers a publish from another thread/node to the local subscribers only (the bus calls it). */
  deliver(topic: string, payload: BusPayload, isBinary: boolean): boolean {
    return this.#app?.publish(topic, payload, isBinary, this.#compress) ?? false;
  }

  /** The behavior for uWS's `app.ws(pattern, ...)` (or another engine's). Validates `options` (TypeError). */
  behavior<TUpgrade>(options: BehaviorOptions<TUpgrade>): EngineSocketBehavior<SocketUserData, TUpgrade> {
    this.#compress = options.compression !== 0;
    const hooks: ConnectionHooks = {
      compress: this.#compress,
      publish: (topic, payload, isBinary) => this.#app?.publish(topic, payload, isBinary, this.#compress) ?? false,
      onClose: (conn, info) => this.#closed(conn, info),
      ...this.#topicHooks(),
      ...(this.#onEvent !== undefined ? { onEvent: this.#onEvent } : {}),
      ...(this.#timings !== undefined ? { timings: this.#timings } : {}),
    };
    return createSocketBehavior(options, {
      open: (ws) => this.#open(ws, hooks),
      message: (ws, frame, isBinary) => ws.getUserData().connection?.[kMessage](frame, isBinary),
      drain: (ws) => ws.getUserData().connection?.[kDrain](),
      activity: (ws) => ws.getUserData().connection?.[kActivity](),
      close: (ws, code, message) => ws.getUserData().connection?.[kClosed](code, message),
      protocolError: (ws, code, error, detail) => ws.getUserData().connection?.[kLogEvent]('warn', { event: 'ws.protocol_error', code, error, detail }),
      failed: (ws, where, err) => this.#failed(ws, where, err),
    });
  }

  /**
   * Closes every open connection: first `batchHandler` buffers are flushed to their handlers
   * (and those flushes awaited), then every connection gets `code`/`reason`; waits for
   * buffered data to flush and handlers to finish, and terminates what is left when
   * `timeoutMs` (the budget for all of it) runs out. On uWS the close frame of a connection
   * with nothing buffered goes out at once and the connection counts as closed at once (uWS
   * reports no answer from the peer).
   */
  async closeAll(options: CloseAllOptions = {}): Promise<CloseAllResult> {
    const code = options.code ?? CloseCode.GOING_AWAY;
    assertSendableCloseCode(code);
    const reason = truncateCloseReason(options.reason ?? ERROR_CODES.SHUTTING_DOWN.message);
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!(timeoutMs >= 0) || timeoutMs > 2 ** 31 - 1) throw new TypeError(`closeAll(): timeoutMs must be from 0 to 2147483647, got ${timeoutMs}`);
    const deadline = performance.now() + timeoutMs;

    const flushes: Promise<void>[] = [];
    for (const conn of this.connections) {
      const flush = conn[kFlush]();
      if (flush !== undefined) flushes.push(flush);
    }
    await settleWithin(flushes, timeoutMs);

    const conns = [...this.connections];
    const handlers: Promise<void>[] = [];
    let handlersDone = 0;
    for (const conn of conns) {
      // runHandler's promise never rejects.
      const handler = conn[kHandler];
      if (handler !== undefined) handlers.push(Promise.resolve(handler).then(() => void handlersDone++));
      try {
        conn[kBeginClose](code, reason, undefined);
      } catch (err) {
        this.#failed(undefined, 'closeAll', err);
        conn.terminate();
      }
    }
    const waiting = conns.filter((conn) => conn.closeInfo === undefined).map((conn) => conn.closed);
    await settleWithin([...waiting, ...handlers], Math.max(0, deadline - performance.now()));
    for (const conn of conns) if (conn.closeInfo === undefined) conn.terminate();

    let forced = 0;
    for (const conn of conns) if (conn.closeInfo?.initiatedBy === 'server' && !conn.closeInfo.wasClean) forced++;
    const handlersPending = handlers.length - handlersDone;
    if (this.connections.size === 0) this.sweeper.stop();
    this.#log.info({ event: 'ws.close_all', code, closed: conns.length - forced, forced, handlersPending }, 'ws.close_all');
    return { closed: conns.length - forced, forced };
  }

  /** With a bus that carries publishes: `ws.publish` goes onto it and topic interest is counted. */
  #topicHooks(): Pick<ConnectionHooks, 'relay' | 'subscribed' | 'unsubscribed'> {
    const interest = this.#interest;
    if (interest === undefined) return {};
    const bus = this.bus;
    return {
      relay: (topic, payload, isBinary) => bus.publish(topic, payload, isBinary),
      subscribed: (conn, topic) => interest.add(conn, topic),
      unsubscribed: (conn, topic) => interest.remove(conn, topic),
    };
  }

  #open(ws: EngineSocket<SocketUserData>, hooks: ConnectionHooks): void {
    const userData = ws.getUserData();
    const init = userData.init;
    const conn = new WebSocketConnection(ws, init, hooks);
    userData.connection = conn;
    this.connections.add(conn);
    const idleMs = init.options.idleTimeoutMs;
    // Deadlines run on the sweeper's monotonic clock; openedAt is wall-clock time for logs.
    const now = performance.now();
    if (idleMs > 0) this.sweeper.add(new IdleTimeout(conn, idleMs, now));
    if (init.options.heartbeat !== false) this.#heartbeats.add(conn, init.options.heartbeat, now);
    conn[kLogEvent]('info', { event: 'ws.open', remoteAddress: conn.remoteAddress, protocol: conn.protocol });
    // The init (with its start closure and extracted values) is only needed until here: uWS
    // keeps the user data for the socket's lifetime, so let it hold a shared placeholder.
    userData.init = this.#spentInit;
    init.start(conn);
  }

  #closed(conn: WebSocketConnection, info: CloseInfo): void {
    this.connections.delete(conn);
    this.#interest?.drop(conn);
    this.#heartbeats.remove(conn);
    this.#rateLimited += conn.messagesRateLimited;
    conn[kLogEvent]('info', {
      event: 'ws.close',
      code: info.code,
      reason: info.reason,
      wasClean: info.wasClean,
      initiatedBy: info.initiatedBy,
      durationMs: Date.now() - conn.openedAt,
      messagesIn: conn.messagesIn,
      messagesOut: conn.messagesOut,
      messagesDropped: conn.messagesDropped,
      messagesRateLimited: conn.messagesRateLimited,
    });
    if (this.#onClose === undefined) return;
    try {
      this.#onClose(conn, info);
    } catch (err) {
      this.#log.error({ event: 'ws.callback_error', where: 'onClose', err }, 'ws.callback_error');
    }
  }

  /** A callback threw: log it and close 1011 (never the error's own message). */
  #failed(ws: EngineSocket<SocketUserData> | undefined, where: string, err: unknown): void {
    let socket = ws;
    let conn: WebSocketConnection | undefined;
    try {
      conn = socket?.getUserData().connection;
    } catch {
      socket = undefined; // closed inside the callback that threw
    }
    try {
      const fields = { event: 'ws.callback_error', where, err };
      if (conn !== undefined) {
        conn[kLogEvent]('error', fields);
        conn[kBeginClose](ERROR_CODES.INTERNAL.closeCode, ERROR_CODES.INTERNAL.message, conn.options.closeTimeoutMs);
        return;
      }
      this.#log.error(fields, 'ws.callback_error');
      socket?.end(ERROR_CODES.INTERNAL.closeCode, ERROR_CODES.INTERNAL.message);
    } catch (secondary) {
      process.emitWarning(`Kindling could not report a WebSocket ${where} error: ${String(secondary)}`);
    }
  }
}

/** Resolves when every promise settled or `ms` passed, whichever is first. */
function settleWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void Promise.allSettled(promises).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
