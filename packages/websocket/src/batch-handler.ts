import { adapt, checkInteger, isThenable, withSlot, type AdaptedHandler } from './adapter.js';
import { kBeginClose, kCork, kLogEvent, kTimings } from './connection/connection-symbols.js';
import type { MessageConsumer } from './connection/message-consumer.js';
import type { WebSocketConnection } from './connection/connection.js';
import { HandlerCompletion } from './handler-completion.js';
import { BATCH_TIMING_SAMPLE, type HandlerTimings } from './handler-timings.js';
import { ERROR_CODES } from './errors/error-codes.js';
import { closeForError } from './handler-runner.js';
import type { Message } from './message.js';
import { sendReply } from './reply.js';

/** Options for {@link batchHandler}. See docs/batching.md. */
export interface BatchHandlerOptions {
  /** The most messages in one batch; a batch is handed over as soon as this many are buffered. */
  size: number;
  /**
   * The longest the first message of a batch waits: a partial batch is handed over this many
   * ms after its first message arrived (`0`: on the next timer tick).
   */
  timeoutMs: number;
  /**
   * Messages that may wait for a batch (not counting the batch being handled). One more closes
   * the connection with 1008 `BATCH_OVERFLOW`, logs `ws.batch_overflow` and counts that message
   * in `messagesDropped`; everything buffered before it is still handed over.
   * @default the larger of `size` and the route's `maxQueuedMessages`
   */
  maxBuffered?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Adapts a batch function into a WebSocket handler: `fn(...extracted, ws, msgs)` gets the
 * connection's messages in arrival order, in batches of at most `size`, handed over when `size`
 * are buffered or `timeoutMs` after a batch's first message, whichever comes first. One batch
 * at a time per connection; messages arriving meanwhile wait for the next. When the peer
 * closes, the rest is handed over (the connection then reports closed); on `app.shutdown()`,
 * before the 1001. Every received message reaches `fn` exactly once. A returned value is sent
 * as by `messageHandler`. If `fn` throws, that batch is not retried, the error is logged
 * (`ws.batch_error`) and the connection closes with the error's close code (1011 for
 * unexpected errors); messages buffered behind it are still handed over. See docs/batching.md.
 *
 * @example
 * ```ts
 * router.websocket('/ingest', [Query(Source)], batchHandler(async (source, ws, msgs) => {
 *   await db.insertMany(source.name, msgs.map((m) => m.json()));
 * }, { size: 50, timeoutMs: 100 }));
 * ```
 */
export function batchHandler<TArgs extends unknown[] = []>(
  fn: (...args: [...TArgs, WebSocketConnection, Message[]]) => unknown,
  options: BatchHandlerOptions,
): AdaptedHandler<TArgs>;
export function batchHandler(fn: (...args: never[]) => unknown, options: BatchHandlerOptions): AdaptedHandler<unknown[]> {
  if (typeof fn !== 'function') throw new TypeError('batchHandler(fn, options): fn must be a function');
  if (typeof options !== 'object' || options === null) throw new TypeError('batchHandler(fn, options): options { size, timeoutMs } are required');
  const size = checkInteger('batchHandler: size', options.size, 1, 2 ** 24);
  const settings: Settings = {
    size,
    timeoutMs: checkInteger('batchHandler: timeoutMs', options.timeoutMs, 0, MAX_TIMER_MS),
    maxBuffered: options.maxBuffered === undefined ? undefined : checkInteger('batchHandler: maxBuffered', options.maxBuffered, size),
  };
  const call = fn as (...args: unknown[]) => unknown;
  return adapt('batchHandler', (conn, args) => new BatchDispatcher(conn, call, args, settings));
}

interface Settings {
  readonly size: number;
  readonly timeoutMs: number;
  readonly maxBuffered: number | undefined;
}

interface FlushWaiter {
  readonly target: number;
  readonly resolve: () => void;
}

const RESOLVED = Promise.resolve();

/** Buffers one connection's messages and hands them to the handler in batches. */
class BatchDispatcher extends HandlerCompletion implements MessageConsumer {
  // Dispatchers that started a batch during this turn of the event loop. Their timers are armed
  // once the turn's I/O is done (one shared `setImmediate`), so a batch that fills within the
  // engine's read never costs a timer.
  static #started: BatchDispatcher[] = [];
  static readonly #armStarted = (): void => {
    const started = BatchDispatcher.#started;
    BatchDispatcher.#started = [];
    for (const dispatcher of started) {
      dispatcher.#armPending = false;
      dispatcher.#arm();
    }
  };

  readonly #conn: WebSocketConnection;
  readonly #fn: (...args: unknown[]) => unknown;
  readonly #args: unknown[];
  readonly #size: number;
  readonly #timeoutMs: number;
  readonly #maxBuffered: number;
  #buffer: Message[] = [];
  // When the first message of each batch waiting in the buffer arrived (batches start every
  // `size` messages from the head, since a batch is always taken whole from the front).
  #starts: number[] = [];
  // At most one pending timer; it is not cleared when a batch fills before its deadline (the
  // next batch's deadline is later): when it fires it hands over what is due and re-arms.
  #timer: NodeJS.Timeout | undefined;
  #timerDue = 0;
  #armPending = false;
  #flushing = false;
  #pumping = false;
  #closed = false;
  #taken = 0;
  #forceUntil = 0;
  #waiters: FlushWaiter[] = [];
  readonly #timings: HandlerTimings | undefined;
  // performance.now() when the batch being handled was handed over; -1 when it is not timed.
  #flushStarted = -1;
  #calls = 0;

  constructor(conn: WebSocketConnection, fn: (...args: unknown[]) => unknown, args: unknown[], settings: Settings) {
    super();
    this.#conn = conn;
    this.#fn = fn;
    this.#args = withSlot(args);
    this.#size = settings.size;
    this.#timeoutMs = settings.timeoutMs;
    this.#timings = conn[kTimings];
    this.#maxBuffered = settings.maxBuffered ?? Math.max(settings.size, conn.options.maxQueuedMessages);
  }

  /** Messages wait in the buffer: the connection hands them over decoded. */
  get keepsMessages(): boolean {
    return true;
  }

  push(msg: Message): boolean {
    const buffer = this.#buffer;
    if (buffer.length >= this.#maxBuffered) return false;
    if (buffer.length % this.#size === 0) this.#starts.push(performance.now());
    buffer.push(msg);
    if (this.#flushing) return true;
    if (buffer.length >= this.#size) this.#pump(false);
    else if (this.#timer === undefined && !this.#armPending) this.#armLater();
    return true;
  }

  overflowed(): void {
    const conn = this.#conn;
    conn[kLogEvent]('warn', { event: 'ws.batch_overflow', maxBuffered: this.#maxBuffered });
    conn[kBeginClose](ERROR_CODES.BATCH_OVERFLOW.closeCode, ERROR_CODES.BATCH_OVERFLOW.message, conn.options.closeTimeoutMs);
  }

  closed(): void {
    this.#closed = true;
    this.#pump(false);
  }

  flush(): Promise<void> {
    if (this.#buffer.length === 0 && !this.#flushing) return RESOLVED;
    const target = this.#taken + this.#buffer.length;
    this.#forceUntil = Math.max(this.#forceUntil, target);
    const waiting = new Promise<void>((resolve) => this.#waiters.push({ target, resolve }));
    this.#pump(true);
    return waiting;
  }

  /** Hands over every batch that is due, one at a time; stops while an async one runs. */
  #pump(async: boolean): void {
    if (this.#pumping || this.#flushing) return;
    this.#pumping = true;
    try {
      const run = (): void => {
        while (!this.#flushing && this.#isDue()) this.#flushOne();
      };
      // Outside the engine's callback, cork so the batch's sends leave together.
      if (async) this.#conn[kCork](run);
      else run();
    } finally {
      this.#pumping = false;
    }
    if (this.#flushing) return;
    this.#arm();
    this.#settle();
  }

  #isDue(): boolean {
    const waiting = this.#buffer.length;
    if (waiting === 0) return false;
    if (waiting >= this.#size || this.#closed || this.#taken < this.#forceUntil) return true;
    return performance.now() >= (this.#starts[0] as number) + this.#timeoutMs;
  }

  #flushOne(): void {
    const batch = this.#take();
    this.#taken += batch.length;
    this.#flushing = true;
    this.#flushStarted = this.#timings !== undefined && this.#calls++ % BATCH_TIMING_SAMPLE === 0 ? performance.now() : -1;
    let result: unknown;
    const args = this.#args;
    args[args.length - 1] = batch;
    try {
      result = this.#fn.apply(undefined, args);
    } catch (err) {
      this.#flushing = false;
      this.#timed();
      this.#failed(err, batch.length);
      return;
    } finally {
      args[args.length - 1] = undefined;
    }
    if (isThenable(result)) {
      result.then(this.#onFulfilled, (err: unknown) => this.#onRejected(err, batch.length));
      return;
    }
    this.#flushing = false;
    this.#timed();
    this.#reply(result);
  }

  /** Reports the batch call's duration when the app times handlers (metrics on). */
  #timed(): void {
    const timings = this.#timings;
    if (this.#flushStarted >= 0 && timings !== undefined) timings.record(this.#conn.route, 'batch', performance.now() - this.#flushStarted);
  }

  readonly #onFulfilled = (value: unknown): void => {
    this.#flushing = false;
    this.#timed();
    this.#reply(value);
    this.#pump(true);
  };

  #onRejected(err: unknown, batchSize: number): void {
    this.#flushing = false;
    this.#timed();
    this.#failed(err, batchSize);
    this.#pump(true);
  }

  #reply(value: unknown): void {
    try {
      sendReply(this.#conn, value);
    } catch (err) {
      this.#failed(err, 0);
    }
  }

  #failed(err: unknown, batchSize: number): void {
    // The batch is not retried; messages behind it are still handed over when the close completes.
    closeForError(this.#conn, err, { event: 'ws.batch_error', batchSize });
  }

  #take(): Message[] {
    const buffer = this.#buffer;
    this.#starts.shift();
    if (buffer.length <= this.#size) {
      this.#buffer = [];
      return buffer;
    }
    return buffer.splice(0, this.#size);
  }

  /** Points the timer at the deadline of the batch at the head of the buffer, if one waits. */
  #arm(): void {
    if (this.#closed || this.#flushing || this.#buffer.length === 0) return;
    const due = (this.#starts[0] as number) + this.#timeoutMs;
    if (this.#timer !== undefined) {
      if (this.#timerDue <= due) return;
      clearTimeout(this.#timer);
    }
    const now = performance.now();
    const wait = Math.max(1, Math.ceil(due - now));
    this.#timerDue = now + wait;
    // Not unref'd: a batch in waiting keeps the process alive until it is handed over.
    this.#timer = setTimeout(this.#onTimer, wait);
  }

  /** Arms the timer at the end of this event-loop turn, if a partial batch is still waiting then. */
  #armLater(): void {
    this.#armPending = true;
    const started = BatchDispatcher.#started;
    if (started.length === 0) setImmediate(BatchDispatcher.#armStarted);
    started.push(this);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#pump(true);
  };

  /** Resolves `flush()` callers whose messages were all handled, and finishes after a close. */
  #settle(): void {
    if (this.#waiters.length > 0) {
      const ready = this.#waiters.filter((w) => w.target <= this.#taken || this.#closed);
      this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
      for (const waiter of ready) waiter.resolve();
    }
    // complete() settles once; later calls do nothing.
    if (this.#closed && this.#buffer.length === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.complete();
    }
  }
}
