import type { BusStats, TopicBus } from '@kindling/websocket';
import type { EngineSetting } from './engine/engine.js';
import type { HealthSetting } from './health/health-options.js';
import type { LoggerSetting } from './logger.js';
import type { MetricsSetting } from './metrics/metrics-options.js';
import type { WebSocketRouteOptions } from './router/websocket-route-options.js';
import type { LifecyclePhase } from './server/lifecycle.js';
import type { TlsSetting } from './server/tls.js';

/** App-wide WebSocket defaults; every route option can be set here too. */
export interface WebSocketDefaults extends WebSocketRouteOptions {
  /**
   * uWS's own frame limit, above every route's `maxPayloadLength`. Between a route's limit and
   * this one the peer gets a proper 1009 close; past this one uWS drops the TCP connection
   * without a close frame (the peer sees 1006).
   * @default 16 MiB, or twice the largest route limit if that is larger
   */
  hardMaxPayloadLength?: number;
}

/** Options for {@link App}. See docs/app.md. */
export interface AppOptions {
  /**
   * The engine to serve on: `'uws'` (uWebSockets.js, the fast path), `'node'` (`node:http` + `ws`,
   * strict, any Node ≥ 20) or `'auto'` (`uws` where its native binding loads, else `node` with one
   * warning). See docs/engines.md.
   * @default process.env.KINDLING_ENGINE ?? 'auto'
   */
  engine?: EngineSetting;
  /** @default `{ level: 'info' }` */
  logger?: LoggerSetting;
  /** HTTPS/WSS. @default undefined (plain HTTP) */
  tls?: TlsSetting;
  /** Largest request body in bytes (413 past it). @default 1048576 */
  bodyLimit?: number;
  /** Largest total request header size in bytes (431 past it). @default 16384 */
  maxHeaderBytes?: number;
  /** When true, `/a/` and `/a` are different paths. @default false */
  strictTrailingSlash?: boolean;
  /** Defaults for every WebSocket route. */
  websocket?: WebSocketDefaults;
  /**
   * Carries topic publishes to other threads or nodes: `threadsBus()` (wired by `serve()`),
   * `redisBus()` from `@kindling/redis`. `listen()` starts it and fails if it cannot come up.
   * A bus given here (any kind, `localBus()` too) gets `bus_*` series in `/metrics` and a `bus`
   * check in `/health/ready`; the default bus gets neither. See docs/scaling.md.
   * @default localBus() (publishes reach this app's connections only)
   */
  bus?: TopicBus;
  /**
   * Serve Prometheus metrics (needs the optional peer dependency `prom-client`, loaded at
   * `listen()`). See docs/metrics.md.
   * @default false
   */
  metrics?: MetricsSetting;
  /** Serve `/health/live` and `/health/ready` (optionally with a WebSocket self-probe). See docs/health.md. @default false */
  health?: HealthSetting;
}

/** Options for {@link App.listen}. */
export interface ListenOptions {
  /** @default 3000 */
  port?: number;
  /** @default '0.0.0.0' */
  host?: string;
  /**
   * Shut down gracefully on SIGINT/SIGTERM and let the process end by itself (exit 1 only if
   * something holds it past the deadline; a second signal exits at once). See docs/shutdown.md.
   * @default false
   */
  handleSignals?: boolean;
  /** The shutdown deadline a signal starts with (see {@link ShutdownOptions.timeoutMs}). @default 10000 */
  shutdownTimeoutMs?: number;
  /**
   * Let other processes bind the same port (SO_REUSEPORT) so the kernel spreads connections
   * over them. Off by default: a second server on a taken port is then an error instead of
   * silently taking half the traffic.
   * @default false
   */
  reusePort?: boolean;
}

/** Options for {@link App.shutdown}. */
export interface ShutdownOptions {
  /** How long to wait for in-flight requests and peers before terminating. @default 10000 */
  timeoutMs?: number;
  /** Close code sent to every WebSocket. @default 1001 */
  code?: number;
  /** Close reason sent to every WebSocket. @default 'Server shutting down' */
  reason?: string;
}

/** A snapshot of the app's state, from {@link App.metrics}. */
export interface AppMetrics {
  /** `'idle'` before listen, `'listening'`, `'draining'` during shutdown, `'closed'` after. */
  readonly phase: LifecyclePhase;
  /** HTTP requests and upgrades being processed right now. */
  readonly inFlight: number;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Heartbeat pings sent since start. */
  readonly heartbeatPings: number;
  /** Connections closed for not answering a heartbeat. */
  readonly heartbeatTimeouts: number;
  /** Messages dropped by per-connection rate limits (counted when their connection closes). */
  readonly rateLimitedMessages: number;
  /** The topic bus: kind, up, and its publish counts (see docs/scaling.md). */
  readonly bus: BusStats;
  /** WebSocket messages received since start (open and closed connections). */
  readonly messagesIn: number;
  /** WebSocket messages sent since start (written or buffered). */
  readonly messagesOut: number;
  /** Payload bytes received over WebSockets since start. */
  readonly bytesIn: number;
  /** Payload bytes sent over WebSockets since start. */
  readonly bytesOut: number;
}

/** What shutdown did: connections closed cleanly and those terminated at the deadline. */
export interface ShutdownResult {
  closed: number;
  forced: number;
}
