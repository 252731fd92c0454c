import {
  ConnectionHub,
  resolveConnectionOptions,
  type ConnectionRegistry,
  localPresence,
  type Presence,
  type TopicBus,
  type WebSocketConnection,
} from '@kindling/websocket';
import type { AppMetrics, AppOptions, ListenOptions, ShutdownOptions, ShutdownResult } from './app-options.js';
import type { Engine, EngineName, EngineServer } from './engine/engine.js';
import { selectEngine } from './engine/select-engine.js';
import { HttpPipeline, type HttpLimits } from './http/http-pipeline.js';
import { HealthRoutes } from './health/health-routes.js';
import { resolveHealthOptions } from './health/health-options.js';
import { createLogger, type Logger } from './logger.js';
import { AppStats } from './metrics/app-stats.js';
import { MetricsEndpoint } from './metrics/metrics-endpoint.js';
import { DEFAULT_BUCKETS, resolveMetricsOptions } from './metrics/metrics-options.js';
import { compileRoutes, type CompiledRoutes } from './router/compiled-routes.js';
import type { Router } from './router/router.js';
import { checkAppOptions, pickConnectionOptions } from './server/app-options-check.js';
import { CloseHooks, type CloseHook } from './server/close-hooks.js';
import { Lifecycle } from './server/lifecycle.js';
import { OpsRoutes } from './server/ops-routes.js';
import { installSignalHandlers } from './server/signals.js';
import { resolveTls, type ResolvedTls, type TlsFiles } from './server/tls.js';
import { IpLimits, resolveIpLimits, type RouteIpLimits } from './upgrade/ip-limits.js';
import { UpgradePipeline, type ResolvedWebSocketOptions } from './upgrade/upgrade-pipeline.js';

export type { AppMetrics, AppOptions, ListenOptions, ShutdownOptions, ShutdownResult, WebSocketDefaults } from './app-options.js';

const MiB = 1024 * 1024;

/**
 * A Kindling server: a router served on uWebSockets.js or on node:http + ws (see docs/engines.md).
 * See docs/app.md.
 *
 * @example
 * ```ts
 * const app = new App(router, { logger: { level: 'info' } });
 * const port = await app.listen({ port: 3000, handleSignals: true });
 * ```
 */
export class App {
  /** The engine this app serves on: `'uws'` or `'node'`. */
  readonly engine: EngineName;
  /** The app logger. */
  readonly log: Logger;
  readonly #options: AppOptions;
  readonly #routes: CompiledRoutes<ResolvedWebSocketOptions>;
  readonly #lifecycle = new Lifecycle();
  readonly #hub: ConnectionHub;
  readonly #ipLimits = new IpLimits();
  readonly #ipLimitsByRoute = new Map<string, RouteIpLimits>();
  readonly #engine: Engine;
  #server: EngineServer | undefined;
  #presence: Presence | undefined;
  #port: number | undefined;
  #tls: ResolvedTls | undefined;
  #shutdown: Promise<ShutdownResult> | undefined;
  #removeSignalHandlers: (() => void) | undefined;
  readonly #stats: AppStats;
  readonly #metricsEndpoint: MetricsEndpoint | undefined;
  readonly #health: HealthRoutes | undefined;
  readonly #closeHooks = new CloseHooks();

  constructor(router: Router, options: AppOptions = {}) {
    checkAppOptions(options);
    this.#options = options;
    const selected = selectEngine(options.engine);
    this.#engine = selected.engine;
    this.engine = selected.engine.name;
    this.log = createLogger(options.logger);
    if (selected.fallbackReason !== undefined) this.log.warn({ event: 'engine.fallback', engine: this.engine }, selected.fallbackReason);
    const defaults = options.websocket ?? {};
    const table = router.routeTable();
    // Metrics, health: see metrics/ and health/. Their routes join the table before it compiles.
    const metricsOptions = resolveMetricsOptions(options.metrics);
    const healthOptions = resolveHealthOptions(options.health);
    this.#stats = new AppStats(metricsOptions?.buckets ?? DEFAULT_BUCKETS);
    const ops = new OpsRoutes(table, this.#lifecycle);
    if (metricsOptions !== undefined) {
      this.#metricsEndpoint = new MetricsEndpoint(metricsOptions);
      this.#metricsEndpoint.register(ops);
      this.#lifecycle.observer = this.#stats;
    }
    if (healthOptions !== undefined) {
      this.#health = new HealthRoutes(healthOptions, this.#lifecycle, options.bus);
      this.#health.register(ops);
    }
    this.#routes = compileRoutes(
      table,
      (route, pattern, origin) => {
        const merged = { ...defaults, ...route };
        try {
          const ipLimits = resolveIpLimits(route, defaults, pattern);
          if (ipLimits !== undefined) this.#ipLimitsByRoute.set(pattern, ipLimits);
          return { ...merged, connection: resolveConnectionOptions(pickConnectionOptions(merged)), ipLimits };
        } catch (err) {
          // App-wide defaults were checked above, so what fails here is the route's own option.
          throw new TypeError(`route ${pattern} (${origin}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      },
      { strictTrailingSlash: options.strictTrailingSlash ?? false },
    );
    const stats = this.#stats;
    this.#hub = new ConnectionHub({
      logger: this.log,
      onClose: (conn, info) => {
        this.#releaseIpSlot(conn);
        stats.connectionClosed(conn, info);
      },
      ...(options.bus ? { bus: options.bus } : {}),
      ...(metricsOptions !== undefined ? { onEvent: (conn, fields) => stats.event(conn, fields), timings: stats } : {}),
    });
  }

  /**
   * The topic bus (see docs/scaling.md): `await app.bus.ready` resolves once publishes cross
   * to the other threads/nodes (after `listen()`, and again after a broker outage).
   * @example
   * ```ts
   * await app.listen(3000);
   * await app.bus.ready;
   * ```
   */
  get bus(): TopicBus {
    return this.#hub.bus;
  }

  /**
   * Who is in a topic: across every node with a bus that has presence (`redisBus` across
   * processes, the threads bus of `serve()` across its threads), else this app alone. See
   * docs/scaling.md.
   * @example
   * ```ts
   * await app.presence.join('lobby', 'ada', { since: Date.now() });
   * const here = (await app.presence.members('lobby')).map((m) => m.member);
   * ```
   */
  get presence(): Presence {
    this.#presence ??= this.#hub.bus.presence ?? localPresence();
    return this.#presence;
  }

  /** Every open WebSocket connection: `size`, `get(id)`, `broadcast`, `broadcastExcept`. */
  get connections(): ConnectionRegistry {
    return this.#hub.connections;
  }

  /** The bound port once listening. */
  get port(): number | undefined {
    return this.#port;
  }

  /** The PEM certificate when `tls: 'self-signed'` is used (so a client can trust it). */
  get certificate(): string | undefined {
    return this.#tls?.certificate;
  }

  /** The certificate files in use when TLS is on. */
  get tlsFiles(): TlsFiles | undefined {
    return this.#tls?.files;
  }

  /**
   * A snapshot for health checks and dashboards.
   * @example
   * ```ts
   * router.get('/metrics', () => app.metrics());
   * ```
   */
  metrics(): AppMetrics {
    return {
      phase: this.#lifecycle.phase,
      inFlight: this.#lifecycle.inFlight,
      connections: this.#hub.connections.size,
      ...this.#hub.counters,
      bus: this.#hub.bus.stats(),
      ...this.#stats.totals(this.#hub.connections),
    };
  }

  /**
   * Registers cleanup to run at shutdown, after every connection closed: hooks run newest
   * first, each until it settles or the shutdown deadline passes; errors are logged, not
   * thrown. See docs/shutdown.md.
   * @example
   * ```ts
   * const pool = await openPool();
   * app.onClose(() => pool.end());
   * ```
   */
  onClose(hook: CloseHook): this {
    this.#closeHooks.add(hook);
    return this;
  }

  /**
   * Sends to every connection subscribed to `topic`, on this app and, through the bus, on every
   * other thread/node. Returns false when nobody on this app is subscribed.
   */
  publish(topic: string, data: string | Uint8Array, isBinary = typeof data !== 'string'): boolean {
    return this.#hub.publish(topic, data, isBinary);
  }

  /**
   * Starts serving. Resolves with the bound port (pass port 0 for an ephemeral one).
   * @throws ListenError with `code` (`EADDRINUSE`, `EACCES`...), `address` and `port` when the
   *   address cannot be bound.
   * @example
   * ```ts
   * const port = await app.listen(0, '127.0.0.1');
   * ```
   */
  async listen(portOrOptions: number | ListenOptions = {}, host?: string): Promise<number> {
    const options: ListenOptions = typeof portOrOptions === 'number' ? { port: portOrOptions, ...(host ? { host } : {}) } : portOrOptions;
    if (this.#lifecycle.phase !== 'idle') throw new Error(`App cannot listen: it is ${this.#lifecycle.phase}`);
    const port = options.port ?? 3000;
    const bindHost = options.host ?? '0.0.0.0';
    await this.#metricsEndpoint?.start({
      stats: this.#stats,
      connections: this.#hub.connections,
      wsRoutes: this.#routes.websocket.routes().map((r) => r.pattern),
      bus: this.#options.bus,
    });
    const server = await this.#createServer();
    try {
      await this.#startBus();
    } catch (err) {
      server.close();
      throw err;
    }
    try {
      this.#port = await server.listen({ host: bindHost, port, reusePort: options.reusePort === true });
    } catch (err) {
      server.close();
      await this.#hub.bus.close();
      await this.#tls?.dispose();
      throw err;
    }
    this.#server = server;
    this.#lifecycle.phase = 'listening';
    this.#health?.readiness.listening(`${this.#tls ? 'wss' : 'ws'}://${loopbackFor(bindHost)}:${this.#port}`);
    if (options.handleSignals) this.#removeSignalHandlers = installSignalHandlers(this, options.shutdownTimeoutMs ?? 10_000);
    this.log.info({ event: 'app.listen', host: bindHost, port: this.#port, tls: this.#tls !== undefined, engine: this.engine }, 'app.listen');
    return this.#port;
  }

  /**
   * Stops gracefully: stop accepting (listen socket closed, new requests and upgrades 503),
   * wait for in-flight requests, close every WebSocket with 1001, wait for peers until the
   * deadline, then terminate the rest. Calling it again returns the same promise.
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownResult> {
    this.#shutdown ??= this.#runShutdown(options);
    return this.#shutdown;
  }

  /** `await using app = ...` shuts the app down at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  async #runShutdown(options: ShutdownOptions): Promise<ShutdownResult> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = performance.now() + timeoutMs;
    this.log.info({ event: 'app.shutdown', timeoutMs }, 'app.shutdown');
    this.#lifecycle.phase = 'draining';
    this.#server?.stopListening();
    await Promise.race([this.#lifecycle.whenIdle(), delay(Math.max(0, deadline - performance.now()))]);
    const result = await this.#hub.closeAll({
      code: options.code ?? 1001,
      reason: options.reason ?? 'Server shutting down',
      timeoutMs: Math.max(0, deadline - performance.now()),
    });
    this.#lifecycle.phase = 'closed';
    await this.#closeBus();
    // A shutdown started by a handler can get here inside the engine's callback, before uWS has
    // written the close frames it corked there: closing the app now would cut them off (the
    // peers would see 1006). One turn of the event loop leaves every callback first.
    await new Promise((resolve) => setImmediate(resolve));
    // Idle keep-alive connections and anything left: the process needs no forced exit.
    this.#server?.close();
    await this.#tls?.dispose();
    await this.#closeHooks.run(deadline, this.log);
    this.#removeSignalHandlers?.();
    this.log.info({ event: 'app.closed', ...result }, 'app.closed');
    return result;
  }

  /** Starts the bus before the port opens, so no client subscribes before the bus can carry its topics. */
  async #startBus(): Promise<void> {
    const hub = this.#hub;
    try {
      await hub.bus.start({ deliver: (topic, payload, isBinary) => hub.deliver(topic, payload, isBinary), log: this.log });
    } catch (err) {
      await this.#tls?.dispose();
      this.log.error({ event: 'bus.start_failed', bus: hub.bus.kind, err }, 'bus.start_failed');
      throw new Error(`App cannot listen: the ${hub.bus.kind} bus did not come up: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async #closeBus(): Promise<void> {
    try {
      await this.#hub.bus.close();
    } catch (err) {
      this.log.error({ event: 'bus.close_failed', bus: this.#hub.bus.kind, err }, 'bus.close_failed');
    }
  }

  /** A connection on a route with `connectionsPerIp` gives back the slot its upgrade took. */
  #releaseIpSlot(conn: WebSocketConnection): void {
    const limits = this.#ipLimitsByRoute.get(conn.route);
    if (limits !== undefined) this.#ipLimits.release(limits, conn.remoteAddress);
  }

  async #createServer(): Promise<EngineServer> {
    const tlsSetting = this.#options.tls;
    if (tlsSetting) this.#tls = await resolveTls(tlsSetting);
    const limits: HttpLimits = {
      bodyLimit: this.#options.bodyLimit ?? MiB,
      maxHeaderBytes: this.#options.maxHeaderBytes ?? 16 * 1024,
    };
    const app = this.#engine.createServer({ tls: this.#tls?.files, maxHeaderBytes: limits.maxHeaderBytes });
    const http = new HttpPipeline(this.#routes, this.log, limits, this.#lifecycle);
    const upgrade = new UpgradePipeline(this.#routes, this.log, this.#lifecycle, this.#ipLimits, limits.maxHeaderBytes);
    const routeOptions = this.#routes.websocket.routes().map((r) => r.value.options);
    const largestRouteLimit = Math.max(0, ...routeOptions.map((o) => o.connection.maxPayloadLength));
    const anyCompression = routeOptions.some((o) => o.compression);
    this.#hub.attach(app);
    app.ws(
      this.#hub.behavior({
        upgrade: upgrade.handle,
        maxPayloadLength: this.#options.websocket?.hardMaxPayloadLength ?? Math.max(16 * MiB, largestRouteLimit * 2),
        compression: this.#engine.compression(anyCompression),
        maxBackpressure: Math.max(0, ...routeOptions.map((o) => o.connection.maxBackpressure)) * 2 || 2 * MiB,
      }),
    );
    app.any(http.handle);
    return app;
  }
}

/** Where the app reaches itself (the readiness probe): loopback for a wildcard bind. */
function loopbackFor(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
