import { adapt, checkInteger, isThenable, withSlot, type AdaptedHandler } from './adapter.js';
import { kCork, kTimings } from './connection/connection-symbols.js';
import type { MessageConsumer } from './connection/message-consumer.js';
import type { WebSocketConnection } from './connection/connection.js';
import { checkConsecutiveErrors, closeForQueueOverflow, replyWithError } from './message-failure.js';
import { HandlerCompletion } from './handler-completion.js';
import { MESSAGE_TIMING_SAMPLE, type HandlerTimings } from './handler-timings.js';
import { validateDto, type DtoClass, type DtoOptions } from './dto.js';
import { settleQueued, type Message } from './message.js';
import { messageId, sendReply } from './reply.js';

/** Options for {@link messageHandler}. See docs/handlers.md. */
export interface MessageHandlerOptions {
  /**
   * Messages handled at the same time on one connection. They always start in arrival order;
   * with more than one, they may finish (and reply) out of order.
   * @default 1
   */
  concurrency?: number;
  /**
   * Failed messages in a row (invalid JSON, failed validation, or a handler that threw an error
   * with a 4xx status) after which the connection is closed with 1008 `TOO_MANY_ERRORS`. A
   * handled message resets the count; unexpected (5xx) errors do not count. `0` never closes.
   * @default 10
   */
  maxConsecutiveErrors?: number;
  /** How `json` DTOs treat unknown properties. @default `{ whitelist: true }` */
  validation?: DtoOptions;
}

/** {@link messageHandler} options that parse every message as JSON: into a validated DTO, or as-is with `true`. */
export interface JsonMessageHandlerOptions<T> extends MessageHandlerOptions {
  /** A DTO class to validate each message into, or `true` to only parse JSON. */
  json: DtoClass<T> | true;
}

const DEFAULT_MAX_CONSECUTIVE_ERRORS = 10;

/**
 * Adapts a per-message function into a WebSocket handler: `fn(...extracted, ws, msg)` runs once
 * per received message, in arrival order, one at a time per connection (see `concurrency`).
 * A returned value is sent (a string as text, bytes as binary, anything else as JSON text).
 * With `json`, each message is parsed (and validated into the DTO); a message that fails, or
 * whose handler throws, is answered with an error envelope
 * `{ error: { code, message, details, id } }` (`id` copied from the message when it had one)
 * and the connection stays open, up to `maxConsecutiveErrors`. See docs/handlers.md.
 *
 * @example
 * ```ts
 * router.websocket('/rooms/{room}', [Path()], messageHandler(async (path, ws, event) => {
 *   return { room: path.room, echo: event.text };
 * }, { json: ChatEvent }));
 * ```
 */
export function messageHandler<T extends object, TArgs extends unknown[] = []>(
  fn: (...args: [...TArgs, WebSocketConnection, T]) => unknown,
  options: MessageHandlerOptions & { readonly json: DtoClass<T> },
): AdaptedHandler<TArgs>;
export function messageHandler<TArgs extends unknown[] = []>(
  fn: (...args: [...TArgs, WebSocketConnection, unknown]) => unknown,
  options: MessageHandlerOptions & { readonly json: true },
): AdaptedHandler<TArgs>;
export function messageHandler<TArgs extends unknown[] = []>(
  fn: (...args: [...TArgs, WebSocketConnection, Message]) => unknown,
  options?: MessageHandlerOptions,
): AdaptedHandler<TArgs>;
export function messageHandler(fn: (...args: never[]) => unknown, options: Partial<JsonMessageHandlerOptions<object>> = {}): AdaptedHandler<unknown[]> {
  if (typeof fn !== 'function') throw new TypeError('messageHandler(fn): fn must be a function');
  const settings = resolveSettings(options);
  const call = fn as (...args: unknown[]) => unknown;
  return adapt('messageHandler', (conn, args) => new MessageDispatcher(conn, call, args, settings));
}

interface Settings {
  readonly concurrency: number;
  readonly maxErrors: number;
  readonly json: DtoClass<object> | true | undefined;
  readonly validation: DtoOptions | undefined;
}

function resolveSettings(options: Partial<JsonMessageHandlerOptions<object>>): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError('messageHandler(fn, options): options must be an object');
  const json = options.json;
  if (json !== undefined && json !== true && typeof json !== 'function') {
    throw new TypeError('messageHandler: json must be a DTO class or true');
  }
  return {
    concurrency: checkInteger('messageHandler: concurrency', options.concurrency ?? 1, 1, 65_536),
    maxErrors: checkInteger('messageHandler: maxConsecutiveErrors', options.maxConsecutiveErrors ?? DEFAULT_MAX_CONSECUTIVE_ERRORS, 0),
    json,
    validation: options.validation,
  };
}

// #flags bits.
const PUMPING = 1;
const CLOSED = 2;

/**
 * Runs the handler for each message of one connection. A message that arrives while the
 * handler is idle is handled at once, inside the engine's callback: a synchronous handler
 * costs no promise, its sends go out corked, and a message it only forwards is never decoded.
 * Messages arriving while it is busy wait in a queue bounded by the connection's
 * `maxQueuedMessages` (past it: close 1008 `QUEUE_OVERFLOW`).
 */
class MessageDispatcher extends HandlerCompletion implements MessageConsumer {
  readonly #conn: WebSocketConnection;
  readonly #fn: (...args: unknown[]) => unknown;
  // The extracted values, the connection and a slot for the message; undefined when the route
  // extracts nothing (then the handler is called as `fn(conn, msg)`).
  readonly #args: unknown[] | undefined;
  readonly #settings: Settings;
  readonly #timings: HandlerTimings | undefined;
  #calls = 0;
  #queue: (Message | undefined)[] | undefined = undefined;
  #head = 0;
  #running = 0;
  #errors = 0;
  #flags = 0;

  constructor(conn: WebSocketConnection, fn: (...args: unknown[]) => unknown, args: unknown[], settings: Settings) {
    super();
    this.#conn = conn;
    this.#fn = fn;
    this.#args = args.length === 1 ? undefined : withSlot(args);
    this.#settings = settings;
    this.#timings = conn[kTimings];
  }

  /** Messages are handled inside the engine's callback when the handler is idle. */
  get keepsMessages(): boolean {
    return false;
  }

  push(msg: Message): boolean {
    if (this.#queue === undefined || this.#queued() === 0) {
      if (this.#running < this.#settings.concurrency) {
        this.#start(msg);
        return true;
      }
    } else if (this.#queued() >= this.#conn.options.maxQueuedMessages) {
      return false;
    }
    // Read after the engine's callback returned: decode while the frame is still there.
    settleQueued(msg);
    (this.#queue ??= []).push(msg);
    return true;
  }

  overflowed(): void {
    closeForQueueOverflow(this.#conn);
  }

  closed(): void {
    this.#flags |= CLOSED;
    this.#pump(false);
  }

  flush(): Promise<void> {
    // Nothing is held back for later: queued messages run as soon as the handler is free.
    return Promise.resolve();
  }

  #start(msg: Message): void {
    this.#running++;
    // -1: this call is not timed (metrics off, or not in the sample).
    const started = this.#timings !== undefined && this.#calls++ % MESSAGE_TIMING_SAMPLE === 0 ? performance.now() : -1;
    let id: string | number | undefined;
    let result: unknown;
    try {
      const json = this.#settings.json;
      if (json === undefined) {
        result = this.#call(msg);
      } else {
        const value = msg.json();
        id = messageId(value);
        result = json === true ? this.#call(value) : validateDto(json, value, this.#settings.validation).then((dto) => this.#call(dto));
      }
    } catch (err) {
      this.#failed(err, id);
      this.#timed(started);
      return this.#finishOne(false);
    }
    if (!isThenable(result)) {
      this.#succeeded(result);
      this.#timed(started);
      return this.#finishOne(false);
    }
    // Closures only on this path: an idle connection holds none.
    result.then(
      (value: unknown) => {
        this.#succeeded(value);
        this.#timed(started);
        this.#finishOne(true);
      },
      (err: unknown) => {
        this.#failed(err, id);
        this.#timed(started);
        this.#finishOne(true);
      },
    );
  }

  /** Reports the call's duration when the app times handlers (metrics on). */
  #timed(started: number): void {
    const timings = this.#timings;
    if (started >= 0 && timings !== undefined) timings.record(this.#conn.route, 'message', performance.now() - started);
  }

  #call(value: unknown): unknown {
    const args = this.#args;
    if (args === undefined) return this.#fn(this.#conn, value);
    const slot = args.length - 1;
    args[slot] = value;
    try {
      return this.#fn.apply(undefined, args);
    } finally {
      args[slot] = undefined;
    }
  }

  #succeeded(value: unknown): void {
    this.#errors = 0;
    try {
      sendReply(this.#conn, value);
    } catch (err) {
      this.#failed(err, undefined);
    }
  }

  #failed(err: unknown, id: string | number | undefined): void {
    if (replyWithError(this.#conn, err, id)) checkConsecutiveErrors(this.#conn, ++this.#errors, this.#settings.maxErrors);
  }

  #finishOne(async: boolean): void {
    this.#running--;
    this.#pump(async);
  }

  /** Starts queued messages while there is room; an outer call already doing so keeps going. */
  #pump(async: boolean): void {
    const flags = this.#flags;
    if ((flags & PUMPING) !== 0) return;
    if (this.#queue !== undefined && this.#queued() > 0 && this.#running < this.#settings.concurrency) {
      this.#flags |= PUMPING;
      const drain = (): void => {
        while (this.#running < this.#settings.concurrency && this.#queued() > 0) this.#start(this.#dequeue());
      };
      try {
        // Outside the engine's callback, cork so the replies of a drained run leave together.
        if (async) this.#conn[kCork](drain);
        else drain();
      } finally {
        this.#flags &= ~PUMPING;
      }
    }
    // complete() settles once; later calls do nothing.
    if ((this.#flags & CLOSED) !== 0 && this.#running === 0 && this.#queued() === 0) this.complete();
  }

  #queued(): number {
    return this.#queue === undefined ? 0 : this.#queue.length - this.#head;
  }

  #dequeue(): Message {
    const queue = this.#queue as (Message | undefined)[];
    const msg = queue[this.#head] as Message;
    queue[this.#head++] = undefined;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= queue.length) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
    return msg;
  }
}
