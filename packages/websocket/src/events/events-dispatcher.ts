import { isThenable, withSlot } from '../adapter.js';
import { kCork } from '../connection/connection-symbols.js';
import type { MessageConsumer } from '../connection/message-consumer.js';
import type { WebSocketConnection } from '../connection/connection.js';
import { validateDto, type DtoClass, type DtoOptions } from '../dto.js';
import { KindlingError } from '../errors/kindling-error.js';
import { HandlerCompletion } from '../handler-completion.js';
import { checkConsecutiveErrors, closeForQueueOverflow, replyWithError } from '../message-failure.js';
import type { Message } from '../message.js';
import { TokenBucket } from '../rate-limit.js';
import { messageId } from '../reply.js';
import { envelopeProblem, type EventEnvelope } from './envelope.js';
import { replyText } from './reply-text.js';

/** One event of a definition as the dispatcher runs it; shared by every connection of the route. */
export interface ResolvedEvent {
  readonly type: string;
  readonly dto: DtoClass<object> | undefined;
  readonly fn: (...args: unknown[]) => unknown;
  readonly concurrency: number | undefined;
  readonly rateLimit: { readonly messages: number; readonly perMs: number; readonly burst: number } | undefined;
}

/** The adapter's settings, shared by every connection of the route. */
export interface EventsSettings {
  readonly events: ReadonlyMap<string, ResolvedEvent>;
  readonly concurrency: number;
  readonly maxErrors: number;
  readonly validation: DtoOptions | undefined;
}

/** A message that passed the envelope checks, waiting for a slot. */
interface Accepted {
  readonly event: ResolvedEvent;
  readonly id: string | number | undefined;
  readonly data: unknown;
}

/** The per-connection state of an event with options of its own. */
interface EventState {
  running: number;
  bucket: TokenBucket | undefined;
}

/** The protocol's liveness check (docs/client.md), answered by the dispatcher itself. */
const PING = '$ping';

// #flags bits.
const PUMPING = 1;
const CLOSED = 2;

/**
 * Runs one connection's events: reads each message as an envelope when it arrives (inside the
 * engine's callback), answers what cannot be handled with an error envelope, and starts the
 * event's handler in arrival order within the concurrency limits. Messages waiting for a slot
 * queue up to the connection's `maxQueuedMessages` (past it: close 1008 `QUEUE_OVERFLOW`).
 *
 * When the connection closes, running handlers stop holding slots (one that never settles
 * cannot hold anything) and the queued messages are started at once: nothing received is lost,
 * though replies have nowhere to go. The completion settles when every started handler has.
 */
export class EventsDispatcher extends HandlerCompletion implements MessageConsumer {
  readonly #conn: WebSocketConnection;
  readonly #settings: EventsSettings;
  // The extracted values, the connection and a slot for the data; undefined when the route
  // extracts nothing (then a handler is called as `fn(conn, data)`).
  readonly #args: unknown[] | undefined;
  #queue: (Accepted | undefined)[] | undefined = undefined;
  #head = 0;
  #running = 0;
  #unsettled = 0;
  #errors = 0;
  #flags = 0;
  // Ids of requests received and not yet answered; made on the first request.
  #ids: Set<string | number> | undefined = undefined;
  // Made on the first message of an event with a concurrency or rate limit of its own.
  #states: Map<ResolvedEvent, EventState> | undefined = undefined;

  constructor(conn: WebSocketConnection, args: unknown[], settings: EventsSettings) {
    super();
    this.#conn = conn;
    this.#args = args.length === 1 ? undefined : withSlot(args);
    this.#settings = settings;
  }

  /** Envelopes are read inside the engine's callback; only what they carry is kept. */
  get keepsMessages(): boolean {
    return false;
  }

  push(msg: Message): boolean {
    let value: unknown;
    try {
      value = msg.json();
    } catch (err) {
      this.#failed(err, undefined, undefined);
      return true;
    }
    const id = messageId(value);
    const event = this.#accept(value, id);
    if (event === undefined) return true;
    const data = (value as EventEnvelope).data;
    if (this.#queued() === 0 && this.#canStart(event)) {
      this.#start(event, id, data);
      return true;
    }
    if (this.#queued() >= this.#conn.options.maxQueuedMessages) return false;
    if (id !== undefined) this.#track(id);
    (this.#queue ??= []).push({ event, id, data });
    return true;
  }

  overflowed(): void {
    closeForQueueOverflow(this.#conn);
  }

  closed(): void {
    this.#flags |= CLOSED;
    // Slots and ids matter only while replies can be sent.
    this.#running = 0;
    this.#ids = undefined;
    this.#states = undefined;
    while (this.#queued() > 0) {
      const { event, id, data } = this.#dequeue();
      this.#start(event, id, data);
    }
    this.#settle();
  }

  flush(): Promise<void> {
    // Nothing is held back for later: queued messages start as soon as a slot is free.
    return Promise.resolve();
  }

  /** Checks the envelope, the event, the id and the event's rate limit; answers what fails. */
  #accept(value: unknown, id: string | number | undefined): ResolvedEvent | undefined {
    const problem = envelopeProblem(value);
    if (problem !== undefined) {
      this.#failed(new KindlingError('INVALID_ENVELOPE', { message: `Invalid event envelope: ${problem}` }), id, undefined);
      return undefined;
    }
    const type = (value as EventEnvelope).type;
    const event = this.#settings.events.get(type);
    if (event === undefined) {
      if (type === PING) return this.#pong(id);
      this.#failed(new KindlingError('UNKNOWN_EVENT', { details: { type } }), id, type);
      return undefined;
    }
    // Only requests that wait (queued, or a handler still running) are tracked: one answered
    // within this call leaves no window for a second one with its id.
    if (id !== undefined && this.#ids !== undefined && this.#ids.has(id)) {
      // Not released: the id belongs to the request still in flight.
      this.#failed(new KindlingError('DUPLICATE_REQUEST_ID', { details: { id } }), id, type, false);
      return undefined;
    }
    if (event.rateLimit !== undefined) {
      const { burst, messages, perMs } = event.rateLimit;
      const now = performance.now();
      const bucket = (this.#stateOf(event).bucket ??= new TokenBucket(burst, messages / perMs, now));
      if (!bucket.tryTake(now)) {
        this.#failed(new KindlingError('RATE_LIMITED', { details: { retryAfterMs: bucket.msUntilNext(now) } }), id, type);
        return undefined;
      }
    }
    return event;
  }

  /**
   * Answers a client's liveness check at once, ahead of queued messages: `{"id":…}` for a
   * request, nothing for an event. It neither reaches a handler nor counts as handled or failed.
   */
  #pong(id: string | number | undefined): undefined {
    if (id !== undefined) this.#conn.sendText(replyText(id, undefined));
    return undefined;
  }

  #canStart(event: ResolvedEvent): boolean {
    if (this.#running >= this.#settings.concurrency) return false;
    return event.concurrency === undefined || this.#stateOf(event).running < event.concurrency;
  }

  #start(event: ResolvedEvent, id: string | number | undefined, data: unknown): void {
    this.#unsettled++;
    if ((this.#flags & CLOSED) === 0) {
      this.#running++;
      if (event.concurrency !== undefined) this.#stateOf(event).running++;
    }
    let result: unknown;
    try {
      const dto = event.dto;
      result = dto === undefined ? this.#call(event.fn, data) : validateDto(dto, data, this.#settings.validation).then((valid) => this.#call(event.fn, valid));
    } catch (err) {
      this.#failed(err, id, event.type);
      return this.#finishOne(event, false);
    }
    if (!isThenable(result)) {
      this.#succeeded(event, id, result);
      return this.#finishOne(event, false);
    }
    if (id !== undefined && (this.#flags & CLOSED) === 0) this.#track(id);
    // Closures only on this path: a synchronous handler costs none.
    result.then(
      (value: unknown) => {
        this.#succeeded(event, id, value);
        this.#finishOne(event, true);
      },
      (err: unknown) => {
        this.#failed(err, id, event.type);
        this.#finishOne(event, true);
      },
    );
  }

  #call(fn: (...args: unknown[]) => unknown, data: unknown): unknown {
    const args = this.#args;
    if (args === undefined) return fn(this.#conn, data);
    const slot = args.length - 1;
    args[slot] = data;
    try {
      return fn.apply(undefined, args);
    } finally {
      args[slot] = undefined;
    }
  }

  #succeeded(event: ResolvedEvent, id: string | number | undefined, value: unknown): void {
    this.#errors = 0;
    if (id === undefined) return;
    this.#release(id);
    try {
      this.#conn.sendText(replyText(id, value));
    } catch (err) {
      // A reply JSON cannot represent is a server bug: the client gets INTERNAL with the id.
      this.#failed(err, id, event.type, false);
    }
  }

  #failed(err: unknown, id: string | number | undefined, type: string | undefined, release = true): void {
    if (release) this.#release(id);
    const conn = this.#conn;
    if (replyWithError(conn, err, id, type === undefined ? undefined : { eventType: type })) {
      checkConsecutiveErrors(conn, ++this.#errors, this.#settings.maxErrors);
    }
  }

  /** Marks a request as in flight until its answer (a reply or an error) is sent. */
  #track(id: string | number): void {
    (this.#ids ??= new Set()).add(id);
  }

  #release(id: string | number | undefined): void {
    if (id !== undefined) this.#ids?.delete(id);
  }

  #finishOne(event: ResolvedEvent, async: boolean): void {
    this.#unsettled--;
    if ((this.#flags & CLOSED) === 0) {
      this.#running--;
      if (event.concurrency !== undefined) this.#stateOf(event).running--;
      this.#pump(async);
    }
    this.#settle();
  }

  /** Starts queued messages, in order, while the head has a slot; an outer call already doing so keeps going. */
  #pump(async: boolean): void {
    if ((this.#flags & PUMPING) !== 0 || this.#queued() === 0) return;
    this.#flags |= PUMPING;
    const drain = (): void => {
      while (this.#queued() > 0 && this.#canStart(this.#peek().event)) {
        const { event, id, data } = this.#dequeue();
        this.#start(event, id, data);
      }
    };
    try {
      // Outside the engine's callback, cork so the replies of a drained run leave together.
      if (async) this.#conn[kCork](drain);
      else drain();
    } finally {
      this.#flags &= ~PUMPING;
    }
  }

  #settle(): void {
    // complete() settles once; later calls do nothing.
    if ((this.#flags & CLOSED) !== 0 && this.#unsettled === 0 && this.#queued() === 0) this.complete();
  }

  #stateOf(event: ResolvedEvent): EventState {
    const states = (this.#states ??= new Map());
    let state = states.get(event);
    if (state === undefined) {
      state = { running: 0, bucket: undefined };
      states.set(event, state);
    }
    return state;
  }

  #queued(): number {
    return this.#queue === undefined ? 0 : this.#queue.length - this.#head;
  }

  #peek(): Accepted {
    return (this.#queue as (Accepted | undefined)[])[this.#head] as Accepted;
  }

  #dequeue(): Accepted {
    const queue = this.#queue as (Accepted | undefined)[];
    const accepted = queue[this.#head] as Accepted;
    queue[this.#head++] = undefined;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= queue.length) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
    return accepted;
  }
}
