import {
  Router,
  type AnyExtractor,
  type CheckExtractors,
  type ExtensionKey,
  type Middleware,
  type WebSocketHandler,
  type WebSocketRouteOptions,
} from '@kindling/core';
import {
  ConnectionHub,
  DEFAULT_CONNECTION_OPTIONS,
  resolveConnectionOptions,
  runHandler,
  type ConnectionOptions,
  type SocketUserData,
  type WebSocketConnection,
} from '@kindling/websocket';
import { pino } from 'pino';
import { CapturedLogs, type LogEntry, type LogLevel, type LogMatcher } from './captured-logs.js';
import { callSite } from './expectations/expectation-error.js';
import { DEFAULT_TIMEOUT_MS, resolveTimeout, type ExpectOptions } from './expectations/timeouts.js';
import { InMemorySocket, InMemoryTopics } from './in-memory-socket.js';
import { handshakeHeaders, runInMemoryUpgrade, type InMemoryRoute } from './in-memory-upgrade.js';
import { PendingWebSocket, type UpgradeOutcome } from './pending-websocket.js';
import { headersWithCookies, pathWithQuery, type RequestTargetOptions } from './request-target.js';
import { SocketInbox } from './socket-inbox.js';
import { TestWebSocket } from './test-websocket.js';

/** Options for {@link testHandler}: the request the handler is upgraded from. */
export interface TestHandlerOptions extends RequestTargetOptions {
  /** Path parameters, as `Path()` and `Param()` read them. @default {} */
  params?: Readonly<Record<string, string>>;
  /** The app state `State()` reads. @default the router's state, if a router is given */
  state?: unknown;
  /** Values `Extension(Class)` reads: instances keyed by their class, or an explicit map. Added to the router's. */
  extensions?: readonly object[] | ReadonlyMap<ExtensionKey, unknown>;
  /** Subprotocols offered; the route's `protocols` choose among them. @default none */
  protocols?: string | readonly string[];
  /** The `Origin` header (the route's `origins` allowlist is checked by `TestServer` only). */
  origin?: string;
  /** The peer address `RemoteAddress()` reads. @default '127.0.0.1' */
  remoteAddress?: string;
  /** Connection limits, over the route's own. @default the route's, else the defaults */
  connection?: Partial<ConnectionOptions>;
  /** Capture the log (`run.logs`, `run.expectLog`). @default false */
  logs?: boolean | { level?: LogLevel };
  /** Default timeout of the socket's expectations. @default 2000 */
  timeoutMs?: number;
}

/**
 * One in-memory run of a handler: await it for the {@link TestWebSocket} (the test's end of
 * the connection), or call `expectRejected` when the extractors should refuse the upgrade.
 */
export class HandlerRun extends PendingWebSocket {
  readonly #state: RunState;
  readonly #timeoutMs: number;

  /** @internal */
  constructor(outcome: Promise<UpgradeOutcome>, target: string, state: RunState, timeoutMs: number) {
    super(outcome, target);
    this.#state = state;
    this.#timeoutMs = timeoutMs;
  }

  /** The server's side of the connection once open: `closeInfo`, `data`, `topics`, ... */
  get connection(): WebSocketConnection | undefined {
    return this.#state.connection;
  }

  /** Settles when the handler has returned or thrown (at once if the upgrade was rejected). */
  get finished(): Promise<void> {
    return this.#state.finished;
  }

  /** The captured log entries. Throws unless run with `{ logs: true }`. */
  get logs(): readonly LogEntry[] {
    return this.#captured().entries;
  }

  /** Waits until the captured log has a matching entry. Needs `{ logs: true }`. */
  expectLog(matcher: LogMatcher, options?: ExpectOptions): Promise<LogEntry> {
    const site = callSite();
    return this.#captured().expect(matcher, resolveTimeout(options?.timeoutMs, this.#timeoutMs), site);
  }

  #captured(): CapturedLogs {
    if (!this.#state.captured) throw new Error('Logs are not captured: pass { logs: true } to testHandler');
    return this.#state.captured;
  }
}

interface RunState {
  connection: WebSocketConnection | undefined;
  finished: Promise<void>;
  readonly captured: CapturedLogs | undefined;
}

const HARD_MAX_PAYLOAD = 16 * 1024 * 1024;
const CONNECTION_KEYS = Object.keys(DEFAULT_CONNECTION_OPTIONS) as (keyof ConnectionOptions)[];

/**
 * Runs a WebSocket handler without a socket or a port: the route's middleware and extractors
 * run on an in-memory request (a failure is an HTTP rejection, as on the wire), then the
 * handler runs against a real `WebSocketConnection` whose peer is a {@link TestWebSocket}
 * with the same send/expect API as `TestServer.ws`. See docs/testing.md.
 *
 * - `testHandler(handler, options?)` — a handler taking only the connection;
 * - `testHandler(extractors, handler, options?)` — a handler with extractors, typed as in
 *   `router.websocket(path, extractors, handler)`;
 * - `testHandler(router, pattern, options?)` — the router's route registered as `pattern`
 *   (after nesting), with its middleware, state, extensions and options.
 *
 * @example
 * ```ts
 * const ws = await testHandler([Path(), Query(WsQuery)], chatHandler, { params: { room: 'a' }, query: { name: 'ann' } });
 * await ws.expectJson({ type: 'welcome' });
 * await testHandler(router, '/rooms/{room}', { params: { room: 'a' } }).expectRejected(400);
 * ```
 */
export function testHandler(handler: WebSocketHandler<[], string>, options?: TestHandlerOptions): HandlerRun;
export function testHandler<const Es extends readonly AnyExtractor[]>(
  extractors: Es & CheckExtractors<Es, string, 'websocket'>,
  handler: WebSocketHandler<Es, string>,
  options?: TestHandlerOptions,
): HandlerRun;
export function testHandler(router: Router, pattern: string, options?: TestHandlerOptions): HandlerRun;
export function testHandler(a: unknown, b?: unknown, c?: unknown): HandlerRun {
  const { route, handler, routeOptions, options } = resolveRoute(a, b, c);
  const timeoutMs = resolveTimeout(options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const captured = options.logs ? new CapturedLogs(typeof options.logs === 'object' ? options.logs.level : undefined) : undefined;
  const logger = captured?.logger ?? pino({ enabled: false });
  const connectionOptions = resolveConnectionOptions({ ...pickConnectionOptions(routeOptions), ...options.connection });
  const target = route.pattern === '(handler)' ? 'in-memory handler' : `${route.pattern} (in memory)`;
  const state: RunState = { connection: undefined, finished: Promise.resolve(), captured };

  const offered = options.protocols === undefined ? [] : typeof options.protocols === 'string' ? [options.protocols] : [...options.protocols];
  const path = fillPattern(route.pattern, options.params ?? {});
  const withQuery = pathWithQuery(path, options.query);
  const queryAt = withQuery.indexOf('?');
  const headers = handshakeHeaders(headersWithCookies(options), offered);
  if (options.origin !== undefined) headers['origin'] = options.origin;
  const request = {
    path,
    rawQuery: queryAt === -1 ? '' : withQuery.slice(queryAt + 1),
    headers,
    params: options.params ?? {},
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
  };

  const outcome = runInMemoryUpgrade(route, request, logger).then(
    (result): UpgradeOutcome => {
      if (result.kind === 'reject') return { kind: 'rejected', response: result.response };
      const hub = new ConnectionHub({ logger });
      const behavior = hub.behavior({ upgrade: () => undefined, maxPayloadLength: HARD_MAX_PAYLOAD, compression: 0, maxBackpressure: 0 });
      const inbox = new SocketInbox();
      const userData: SocketUserData = {
        init: {
          route: route.pattern,
          remoteAddress: request.remoteAddress,
          protocol: result.ctx.protocol,
          requestId: result.ctx.requestId,
          data: result.ctx.localsIfCreated,
          logger,
          options: connectionOptions,
          start: (conn) => {
            state.connection = conn;
            state.finished = Promise.resolve(runHandler(conn, () => handler(...result.values, conn)));
          },
        },
      };
      const socket = new InMemorySocket(userData, behavior, inbox, new InMemoryTopics());
      const testSocket = new TestWebSocket({ transport: socket.transport, inbox, target, protocol: result.ctx.protocol, timeoutMs });
      void behavior.open?.(socket);
      return { kind: 'open', socket: testSocket };
    },
    (error: unknown): UpgradeOutcome => ({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
  );
  return new HandlerRun(outcome, target, state, timeoutMs);
}

type AnyHandler = (...args: unknown[]) => unknown;

interface ResolvedRoute {
  readonly route: InMemoryRoute;
  readonly handler: AnyHandler;
  readonly routeOptions: WebSocketRouteOptions;
  readonly options: TestHandlerOptions;
}

function resolveRoute(a: unknown, b: unknown, c: unknown): ResolvedRoute {
  if (a instanceof Router) {
    if (typeof b !== 'string') throw new TypeError('testHandler(router, pattern): the route pattern must be a string');
    const options = (c ?? {}) as TestHandlerOptions;
    const routes = a.routeTable().websocket;
    const found = routes.find((r) => r.def.pattern === b);
    if (!found) {
      const known = routes.map((r) => r.def.pattern).join(', ') || '(none)';
      throw new TypeError(`testHandler: the router has no WebSocket route '${b}' (its routes: ${known})`);
    }
    const shared = { state: options.state !== undefined ? options.state : found.state, extensions: mergeExtensions(found.extensions, options.extensions) };
    const route = { pattern: b, extractors: found.def.extractors, middleware: found.middleware, shared, options: found.def.options };
    return { route, handler: found.def.handler, routeOptions: found.def.options, options };
  }
  const [extractors, handler, options] = Array.isArray(a)
    ? [a as AnyExtractor[], b, (c ?? {}) as TestHandlerOptions]
    : [[], a, (b ?? {}) as TestHandlerOptions];
  if (typeof handler !== 'function') throw new TypeError('testHandler: the handler must be a function');
  const noMiddleware: readonly Middleware[] = [];
  const shared = { state: options.state, extensions: mergeExtensions(new Map(), options.extensions) };
  return {
    route: { pattern: '(handler)', extractors, middleware: noMiddleware, shared, options: {} },
    handler: handler as AnyHandler,
    routeOptions: {},
    options,
  };
}

function mergeExtensions(base: ReadonlyMap<ExtensionKey, unknown>, extra: TestHandlerOptions['extensions']): ReadonlyMap<ExtensionKey, unknown> {
  const merged = new Map(base);
  if (extra instanceof Map) for (const [key, value] of extra) merged.set(key, value);
  else if (Array.isArray(extra)) for (const value of extra as readonly object[]) merged.set(value.constructor as ExtensionKey, value);
  return merged;
}

function pickConnectionOptions(options: WebSocketRouteOptions): Partial<ConnectionOptions> {
  const picked: Partial<Record<keyof ConnectionOptions, unknown>> = {};
  for (const key of CONNECTION_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked as Partial<ConnectionOptions>;
}

/** `/rooms/{room}` + `{ room: 'a b' }` → `/rooms/a%20b` (tails kept as given). */
function fillPattern(pattern: string, params: Readonly<Record<string, string>>): string {
  if (pattern === '(handler)') return '/';
  return pattern.replace(/\{\*([^}]+)\}|\{([^}]+)\}|:([A-Za-z_][\w]*)|\*$/g, (whole, tail?: string, name?: string, colon?: string) => {
    if (tail !== undefined) return params[tail] ?? '';
    const key = name ?? colon;
    if (key !== undefined) return encodeURIComponent(params[key] ?? '');
    return params['*'] ?? whole;
  });
}
