import { App, Router, type AppOptions } from '@kindling/core';
import { CapturedLogs, type LogEntry, type LogLevel, type LogMatcher } from './captured-logs.js';
import { ClientRegistry } from './client-registry.js';
import { callSite } from './expectations/expectation-error.js';
import { DEFAULT_TIMEOUT_MS, resolveTimeout, type ExpectOptions } from './expectations/timeouts.js';
import type { PendingWebSocket } from './pending-websocket.js';
import { TestRequest, type TestRequestOptions } from './test-request.js';
import { connectWebSocket, type TestWebSocketOptions } from './ws-client.js';

/** Options for {@link TestServer.start}. */
export interface TestServerOptions {
  /**
   * Capture the app's log in memory (`server.logs`, `server.expectLog`). Only when a `Router`
   * is given: an `App` you built keeps the logger you gave it.
   * @default false (the app built from a router logs nothing)
   */
  logs?: boolean | { level?: LogLevel };
  /** Options for the `App` built from a router (not used when an `App` is given). */
  app?: AppOptions;
  /** Default timeout of every expectation and request, in milliseconds. @default 2000 */
  timeoutMs?: number;
}

/**
 * A Kindling app served on 127.0.0.1 on a free port, with clients for tests. Closing it closes
 * every client it opened, then shuts the app down, so the test process exits by itself.
 * See docs/testing.md.
 *
 * @example
 * ```ts
 * await using server = await TestServer.start(router);
 * await using ws = await server.ws('/echo');
 * ws.sendText('hi');
 * await ws.expectText('Echo: hi');
 * ```
 */
export class TestServer implements AsyncDisposable {
  /** The app being served. */
  readonly app: App;
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>` */
  readonly wsUrl: string;
  readonly #captured: CapturedLogs | undefined;
  readonly #timeoutMs: number;
  readonly #clients = new ClientRegistry();
  #closing: Promise<void> | undefined;

  private constructor(app: App, port: number, captured: CapturedLogs | undefined, timeoutMs: number) {
    this.app = app;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.#captured = captured;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Serves a router (in a new `App`) or an app on 127.0.0.1 on a free port.
   *
   * @example
   * ```ts
   * await using server = await TestServer.start(router, { logs: true, app: { bodyLimit: 1024 } });
   * ```
   */
  static async start(routerOrApp: Router | App, options: TestServerOptions = {}): Promise<TestServer> {
    const timeoutMs = resolveTimeout(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    let app: App;
    let captured: CapturedLogs | undefined;
    if (routerOrApp instanceof App) {
      if (options.logs) throw new TypeError('TestServer.start: `logs` needs a Router; an App keeps the logger it was built with');
      if (options.app) throw new TypeError('TestServer.start: `app` options apply to a Router; pass them to your App instead');
      app = routerOrApp;
    } else if (routerOrApp instanceof Router) {
      if (options.logs && options.app?.logger !== undefined) throw new TypeError('TestServer.start: give either `logs` or `app.logger`, not both');
      if (options.logs) captured = new CapturedLogs(typeof options.logs === 'object' ? options.logs.level : undefined);
      app = new App(routerOrApp, { ...options.app, logger: captured?.logger ?? options.app?.logger ?? false });
    } else {
      throw new TypeError('TestServer.start takes a Router or an App');
    }
    const port = await app.listen({ port: 0, host: '127.0.0.1' });
    return new TestServer(app, port, captured, timeoutMs);
  }

  /** The captured log entries, oldest first. Throws unless started with `{ logs: true }`. */
  get logs(): readonly LogEntry[] {
    return this.#logs().entries;
  }

  /**
   * Opens a WebSocket with the independent `ws` client. Await it for the open socket, or call
   * `.expectRejected(status, body?)` to assert that the upgrade was refused.
   *
   * @example
   * ```ts
   * const ws = await server.ws('/rooms/lobby', { query: { token: 't' }, protocols: ['v1'] });
   * await server.ws('/rooms/lobby').expectRejected(401);
   * ```
   */
  ws(path: string, options: TestWebSocketOptions = {}): PendingWebSocket {
    return connectWebSocket(path, options, { baseUrl: this.wsUrl, timeoutMs: this.#timeoutMs, clients: this.#clients });
  }

  /**
   * An HTTP request; chain `expectStatus`, `expectHeader`, `expectText`, `expectJson`, then
   * await it for the {@link TestResponse}.
   *
   * @example
   * ```ts
   * await server.request('GET', '/health').expectStatus(200).expectJson({ ok: true });
   * ```
   */
  request(method: string, path: string, options: TestRequestOptions = {}): TestRequest {
    return new TestRequest(method, path, options, { port: this.port, timeoutMs: this.#timeoutMs, clients: this.#clients });
  }

  /**
   * Waits until the captured log has an entry matching `matcher` (partial object or
   * predicate) and resolves with it. Needs `{ logs: true }`.
   *
   * @example
   * ```ts
   * await server.expectLog({ msg: 'ws.reject', status: 403 });
   * ```
   */
  expectLog(matcher: LogMatcher, options?: ExpectOptions): Promise<LogEntry> {
    const site = callSite();
    return this.#logs().expect(matcher, resolveTimeout(options?.timeoutMs, this.#timeoutMs), site);
  }

  /**
   * Closes every client this server opened (WebSockets get a 1000 close, then are
   * terminated if the server does not answer within 500 ms; requests in flight are aborted),
   * then shuts the app down with a 1 s deadline. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** `await using server = ...` closes the server at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    await this.#clients.closeAll();
    await this.app.shutdown({ timeoutMs: 1000 });
  }

  #logs(): CapturedLogs {
    if (!this.#captured) throw new Error('Logs are not captured: start the server with TestServer.start(router, { logs: true })');
    return this.#captured;
  }
}
