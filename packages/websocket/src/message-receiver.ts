import { validateDto, type DtoClass, type DtoOptions } from './dto.js';
import { Inbox, TIMEOUT } from './inbox.js';
import { settleQueued, type Message } from './message.js';
import { describeValue } from './received-value.js';

// Stands in for the inbox of a connection that closed before anything read from it.
const CLOSED = new Inbox<Message>(0);
CLOSED.close();

/**
 * The receiving side of a connection: `recv()`, `recvTimeout()`, `recvJson()` and
 * `for await`, reading from a bounded {@link Inbox} that the connection fills as frames arrive.
 * The inbox is created on first use: connections driven by `messageHandler` or `batchHandler`
 * never need one.
 */
export abstract class MessageReceiver implements AsyncIterable<Message> {
  #inbox: Inbox<Message> | undefined = undefined;

  /** The most messages the inbox holds (`maxQueuedMessages`). */
  protected abstract get inboxCapacity(): number;

  /** Received messages not read yet (created on first use). */
  protected get inbox(): Inbox<Message> {
    let inbox = this.#inbox;
    if (inbox === undefined) inbox = this.#inbox = new Inbox(this.inboxCapacity, settleQueued);
    return inbox;
  }

  /** Messages waiting in the inbox (0 when it was never created). */
  protected get queuedMessages(): number {
    return this.#inbox === undefined ? 0 : this.#inbox.size;
  }

  /** No more messages will come: readers get what is queued, then `null` / `done`. */
  protected closeInbox(): void {
    if (this.#inbox === undefined) this.#inbox = CLOSED;
    else this.#inbox.close();
  }

  /**
   * The next message, in arrival order; `null` once the connection is closed and every queued
   * message was read.
   */
  recv(): Promise<Message | null> {
    return this.inbox.next();
  }

  /**
   * Like {@link recv}, but resolves with the {@link TIMEOUT} symbol when no message arrives
   * within `ms`. `null` still means closed, so the three outcomes never mix.
   *
   * @example
   * ```ts
   * const msg = await ws.recvTimeout(5_000);
   * if (msg === TIMEOUT) ws.sendJson({ hint: 'still there?' });
   * else if (msg === null) return; // closed
   * ```
   */
  recvTimeout(ms: number): Promise<Message | null | typeof TIMEOUT> {
    if (typeof ms !== 'number' || !(ms >= 0) || ms > 2 ** 31 - 1) {
      throw new TypeError(`recvTimeout(ms): ms must be a number from 0 to 2147483647, got ${describeValue(ms)}`);
    }
    return this.inbox.nextWithin(ms);
  }

  /**
   * The next message parsed as JSON, and validated into an instance of `dto` when one is given;
   * `null` once closed. Throws `KindlingError` `INVALID_JSON` (1007) or `VALIDATION_FAILED`
   * (4422) — left uncaught in a handler, that closes the connection with the error's code.
   *
   * @example
   * ```ts
   * const join = await ws.recvJson(JoinRoom); // JoinRoom instance, validated
   * ```
   */
  recvJson<T = unknown>(): Promise<T | null>;
  recvJson<T extends object>(dto: DtoClass<T>, options?: DtoOptions): Promise<T | null>;
  async recvJson<T>(dto?: DtoClass<T & object>, options?: DtoOptions): Promise<T | null> {
    const msg = await this.inbox.next();
    if (msg === null) return null;
    const value = msg.json<T>();
    return dto === undefined ? value : validateDto(dto, value, options);
  }

  /** Iterates messages in order; ends when the connection closes (after the queued ones). */
  [Symbol.asyncIterator](): AsyncIterator<Message, undefined> {
    return new InboxIterator(this.inbox);
  }
}

/** `for await` over an inbox: one small object per loop, no closures. */
class InboxIterator implements AsyncIterator<Message, undefined> {
  readonly #inbox: Inbox<Message>;

  constructor(inbox: Inbox<Message>) {
    this.#inbox = inbox;
  }

  next(): Promise<IteratorResult<Message, undefined>> {
    return this.#inbox.nextResult();
  }

  return(): Promise<IteratorResult<Message, undefined>> {
    return Promise.resolve({ done: true, value: undefined });
  }
}
