import assert from 'node:assert/strict';
import { afterEach } from 'node:test';
import { pino, type Logger } from 'pino';
import uWS from 'uWebSockets.js';
import WebSocket from 'ws';
import {
  ConnectionHub,
  resolveConnectionOptions,
  runHandler,
  type ConnectionInit,
  type ConnectionOptions,
  type SocketUserData,
  type WebSocketConnection,
} from '@kindling/websocket';

// ---- nothing may escape to the process -------------------------------------------------------

const escaped: unknown[] = [];
process.on('unhandledRejection', (err) => escaped.push(err));
process.on('uncaughtException', (err) => escaped.push(err));

/** Fails the current test if an error or rejection reached the process during it. */
export function failOnEscapes(): void {
  afterEach(async () => {
    // Unhandled rejections are reported after the microtask queue drains.
    await new Promise((resolve) => setImmediate(resolve));
    const seen = escaped.splice(0);
    assert.deepEqual(seen.map(String), [], 'nothing escapes to the process');
  });
}

// ---- log capture ----------------------------------------------------------------------------

/** One parsed pino line. */
export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly event?: string;
  readonly [key: string]: unknown;
}

/** A pino logger whose lines are parsed into `lines`. */
export class LogCapture {
  readonly lines: LogLine[] = [];
  readonly logger: Logger;
  #waiters: { event: string; resolve: (line: LogLine) => void }[] = [];

  constructor() {
    this.logger = pino(
      { level: 'debug' },
      {
        write: (chunk: string) => {
          const line = JSON.parse(chunk) as LogLine;
          this.lines.push(line);
          this.#waiters = this.#waiters.filter((w) => (w.event === line.event ? (w.resolve(line), false) : true));
        },
      },
    );
  }

  /** Lines whose `event` is `event`. */
  events(event: string): LogLine[] {
    return this.lines.filter((line) => line.event === event);
  }

  /** The first line with `event`, now or when it is logged. */
  waitFor(event: string): Promise<LogLine> {
    const found = this.lines.find((line) => line.event === event);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ event, resolve }));
  }
}

// ---- server ---------------------------------------------------------------------------------

/** A connection handler as a router would call it. */
export type Handler = (conn: WebSocketConnection) => unknown;

/** Options for {@link startServer}. */
export interface ServerOptions {
  handler: Handler;
  options?: Partial<ConnectionOptions>;
  /** uWS's hard frame cap. @default 1 MiB */
  hardMaxPayloadLength?: number;
  /** uWS's own backpressure limit. @default 0 (none) */
  uwsMaxBackpressure?: number;
  data?: unknown;
  /** Replaces `init.start` (to test a start that throws). */
  start?: (conn: WebSocketConnection) => void;
}

/** A raw uWS app with a {@link ConnectionHub}, listening on 127.0.0.1 on an ephemeral port. */
export interface TestServer extends AsyncDisposable {
  readonly url: string;
  readonly hub: ConnectionHub;
  readonly logs: LogCapture;
  /** Resolves with the n-th (0-based) server-side connection once it opened. */
  connection(index?: number): Promise<WebSocketConnection>;
}

export async function startServer(server: ServerOptions): Promise<TestServer> {
  const logs = new LogCapture();
  const hub = new ConnectionHub({ logger: logs.logger });
  const options = resolveConnectionOptions(server.options ?? {});
  const opened: WebSocketConnection[] = [];
  const openWaiters: (() => void)[] = [];
  const app = uWS.App();
  hub.attach(app);
  app.ws<SocketUserData>(
    '/*',
    hub.behavior({
      maxPayloadLength: server.hardMaxPayloadLength ?? 1024 * 1024,
      compression: uWS.DISABLED,
      maxBackpressure: server.uwsMaxBackpressure ?? 0,
      upgrade: (res, req, context) => {
        const key = req.getHeader('sec-websocket-key');
        const protocol = req.getHeader('sec-websocket-protocol').split(',')[0]?.trim() ?? '';
        const extensions = req.getHeader('sec-websocket-extensions');
        const init: ConnectionInit = {
          route: '/test',
          remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
          protocol,
          requestId: `req-${opened.length + openWaiters.length}`,
          data: server.data,
          logger: logs.logger,
          options,
          start: (conn) => {
            opened.push(conn);
            for (const wake of openWaiters.splice(0)) wake();
            if (server.start) server.start(conn);
            else void runHandler(conn, () => server.handler(conn));
          },
        };
        res.upgrade<SocketUserData>({ init }, key, protocol, extensions, context);
      },
    }),
  );
  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen('127.0.0.1', 0, (socket) => (socket ? resolve(socket) : reject(new Error('listen failed'))));
  });
  const port = uWS.us_socket_local_port(listenSocket);
  return {
    url: `ws://127.0.0.1:${port}/test`,
    hub,
    logs,
    async connection(index = 0) {
      while (opened.length <= index) await new Promise<void>((resolve) => openWaiters.push(resolve));
      return opened[index] as WebSocketConnection;
    },
    async [Symbol.asyncDispose]() {
      uWS.us_listen_socket_close(listenSocket);
      for (const conn of hub.connections) conn.terminate();
      hub.sweeper.stop();
    },
  };
}

// ---- client ---------------------------------------------------------------------------------

/** A frame the client received. */
export interface Received {
  readonly text: string;
  readonly data: Buffer;
  readonly isBinary: boolean;
}

/** How the client saw the connection end. */
export interface ClientClose {
  readonly code: number;
  readonly reason: string;
  readonly error: Error | undefined;
}

/** A `ws` client with an awaitable message queue and close. */
export class TestClient implements AsyncDisposable {
  readonly socket: WebSocket;
  readonly received: Received[] = [];
  readonly closed: Promise<ClientClose>;
  #read = 0;
  #wake: (() => void) | undefined;
  #error: Error | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.received.push({ data, isBinary, text: data.toString('utf8') });
      this.#wake?.();
    });
    socket.on('error', (err) => (this.#error = err));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8'), error: this.#error });
        this.#wake?.();
      });
    });
  }

  static connect(url: string, protocols?: string[]): Promise<TestClient> {
    const socket = new WebSocket(url, protocols);
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** The next frame not yet returned by `next()`; rejects if the connection closes first. */
  async next(): Promise<Received> {
    while (this.received.length <= this.#read) {
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('closed before the next message');
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.received[this.#read++] as Received;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.terminate();
    await this.closed;
  }
}

/** Resolves after `ms` (for giving a peer time to act, never for asserting durations). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
