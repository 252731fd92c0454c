import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { announceThreadExit, threadsBus, type TopicBus } from '@kindling/websocket';
import { App } from '../app.js';
import { createLogger, type Logger } from '../logger.js';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './serve-options.js';
import { isThreadData, type FromThread, type ThreadData, type ToThread } from './thread-messages.js';

/** What `createApp` gets in each thread. */
export interface ThreadContext {
  /** The threads bus: pass it as the app's `bus` so publishes reach every thread. */
  readonly bus: TopicBus;
  /** This thread's number, from 0. */
  readonly thread: number;
}

/** Makes one thread's app. Runs in every server thread, never in the main thread. */
export type CreateApp = (context: ThreadContext) => App | Promise<App>;

/** The running server, from {@link serve}. */
export interface Server {
  /** The port every thread listens on. */
  readonly port: number;
  /** Server threads started (1 inside a server thread). */
  readonly threads: number;
  /** Shuts every thread down in order (1001 to its clients, handlers awaited, app closed) and waits until each ended. */
  shutdown(): Promise<void>;
}

/**
 * Runs one app per worker thread on one shared port (SO_REUSEPORT: the kernel spreads the
 * connections), joined by a threads bus so topic publishes reach every thread. Call it at the
 * top level of your entry module with that module's URL: the main thread starts the threads,
 * each of which runs the same module and, inside `serve`, creates and starts its app. SIGINT
 * or SIGTERM shut every thread down gracefully; the process then ends by itself with code 0.
 * Threads are never terminated (a uWS thread stopped that way aborts the whole process).
 * See docs/scaling.md.
 *
 * @example
 * ```ts
 * import { App, Router, serve } from '@kindling/core';
 * const router = new Router().websocket('/echo', async (ws) => {
 *   for await (const msg of ws) ws.send(msg);
 * });
 * await serve(import.meta.url, ({ bus }) => new App(router, { bus }), { threads: 2, port: 3000 });
 * ```
 */
export function serve(entry: string | URL, createApp: CreateApp, options: ServeOptions = {}): Promise<Server> {
  if (!isMainThread && isThreadData(workerData)) return runThread(workerData, createApp);
  return runMain(entry, resolveServeOptions(options));
}

async function runThread(data: ThreadData, createApp: CreateApp): Promise<Server> {
  const port = parentPort;
  if (port === null) throw new Error('serve(): a server thread needs its parent port');
  const tell = (message: FromThread) => port.postMessage(message);
  let app: App;
  let bound: number;
  try {
    app = await createApp({ bus: threadsBus({ channel: data.channel, presenceTimeoutMs: data.presenceTimeoutMs }), thread: data.index });
    if (!(app instanceof App)) throw new TypeError(`createApp must return an App, got ${typeof app}`);
    bound = await app.listen({ port: data.port, host: data.host, reusePort: true });
  } catch (err) {
    tell({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
    // Nothing holds this thread any more: it ends by itself.
    throw err;
  }
  const shutdown = async () => {
    const result = await app.shutdown({ timeoutMs: data.shutdownTimeoutMs });
    tell({ type: 'closed', ...result });
    // The app is closed; let go of the parent port so the thread can end.
    port.unref();
  };
  port.on('message', (message: ToThread) => {
    if (message.type === 'shutdown') void shutdown();
  });
  tell({ type: 'listening', port: bound });
  return { port: bound, threads: 1, shutdown };
}

async function runMain(entry: string | URL, options: ResolvedServeOptions): Promise<Server> {
  const log = createLogger(options.logger);
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  const channel = `kindling:serve:${randomUUID()}`;
  const threads: ServerThread[] = [];
  for (let index = 0; index < options.threads; index++) {
    const data: ThreadData = {
      kindlingServe: true,
      index,
      channel,
      port,
      host: options.host,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
      presenceTimeoutMs: options.presenceTimeoutMs,
    };
    threads.push(new ServerThread(new Worker(new URL(entry), { workerData: data }), index, channel, log));
  }
  const started = await Promise.allSettled(threads.map((thread) => thread.listening(options.startTimeoutMs)));
  const failure = started.find((result) => result.status === 'rejected');
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      removeSignalHandlers();
      await Promise.all(threads.map((thread) => thread.shutdown()));
      log.info({ event: 'serve.closed', threads: threads.length }, 'serve.closed');
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ event: 'serve.signal', signal }, 'serve.signal');
    void shutdown();
  };
  const removeSignalHandlers = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (failure !== undefined) {
    await shutdown();
    throw failure.reason;
  }
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  log.info({ event: 'serve.listening', port, threads: threads.length }, 'serve.listening');
  return { port, threads: threads.length, shutdown };
}

/** The main thread's side of one server thread. */
class ServerThread {
  readonly #worker: Worker;
  readonly #index: number;
  readonly #exited: Promise<void>;
  #state: 'starting' | 'listening' | 'failed' | 'exited' = 'starting';
  #error = '';
  #onChange: (() => void) | undefined;

  constructor(worker: Worker, index: number, channel: string, log: Logger) {
    this.#worker = worker;
    this.#index = index;
    // threadId reads -1 once the thread has ended.
    const threadId = worker.threadId;
    worker.on('message', (message: FromThread) => {
      if (message.type === 'listening') this.#state = 'listening';
      else if (message.type === 'failed') {
        this.#state = 'failed';
        this.#error = message.error;
      } else log.info({ event: 'serve.thread_closed', thread: index, closed: message.closed, forced: message.forced }, 'serve.thread_closed');
      this.#onChange?.();
    });
    worker.on('error', (err) => {
      if (this.#state === 'failed') return; // the start-up error, already reported
      this.#error ||= err.message;
      log.error({ event: 'serve.thread_error', thread: index, err }, 'serve.thread_error');
    });
    this.#exited = new Promise((resolve) =>
      worker.once('exit', () => {
        // A thread that crashed could not take its presence members with it: the others drop them (node_down).
        announceThreadExit(channel, threadId);
        if (this.#state === 'starting') this.#error ||= 'it ended before listening';
        this.#state = this.#state === 'starting' ? 'failed' : 'exited';
        this.#onChange?.();
        resolve();
      }),
    );
  }

  /** Resolves once the thread listens; rejects with a clear error when it failed or took too long. */
  listening(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(`it did not listen within ${timeoutMs} ms`), timeoutMs);
      const settle = (timedOut?: string) => {
        if (this.#state === 'starting' && timedOut === undefined) return;
        clearTimeout(timer);
        this.#onChange = undefined;
        if (this.#state === 'listening') resolve();
        else reject(new Error(`serve(): thread ${this.#index} failed to start: ${timedOut ?? this.#error}`));
      };
      this.#onChange = () => settle();
      settle();
    });
  }

  /** Asks the thread to shut its app down and waits until the thread ended. */
  async shutdown(): Promise<void> {
    if (this.#state === 'listening') this.#worker.postMessage({ type: 'shutdown' } satisfies ToThread);
    await this.#exited;
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('serve(): no free port'))));
    });
  });
}
