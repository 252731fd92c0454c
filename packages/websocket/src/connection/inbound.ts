import type { CloseInfo } from '../close-codes.js';
import type { ConnectionOptions } from '../connection-options.js';
import { dispatchFrame, handOver } from '../consumer-dispatch.js';
import { validateDto, type DtoClass, type DtoOptions } from '../dto.js';
import { ERROR_CODES } from '../errors/error-codes.js';
import { Inbox, TIMEOUT } from '../inbox.js';
import { messageFromFrame, settleQueued, type Message } from '../message.js';
import { MessageRateLimiter, type RateLimitTarget } from '../rate-limit.js';
import { kBeginClose, kLogEvent } from './connection-symbols.js';
import type { MessageConsumer } from './message-consumer.js';

// Stands in for the inbox of a connection that closed before anything read from it.
const CLOSED = new Inbox<Message>(0);
CLOSED.close();

/** What the inbound path needs of its connection (a `WebSocketConnection` is one). */
export interface InboundOwner extends RateLimitTarget {
  readonly id: string;
  readonly options: Readonly<ConnectionOptions>;
  readonly closeInfo: CloseInfo | undefined;
}

/**
 * Where the peer's messages go in a connection: the payload limit, the rate limit, then the
 * message consumer (`messageHandler`, `batchHandler`) or the bounded {@link Inbox} that
 * `recv()` and `for await` read; with the counts of what came in and what was dropped.
 *
 * Owned by {@link WebSocketConnection}, which makes it on first use: the first message, the
 * first read, or a consumer attaching. The inbox is made on first read, so a connection driven
 * by `messageHandler` or `batchHandler` never holds one.
 */
export class Inbound implements AsyncIterable<Message> {
  readonly #owner: InboundOwner;
  #messagesIn = 0;
  #bytesIn = 0;
  #droppedIn = 0;
  #rateLimited = 0;
  readonly #limiter: MessageRateLimiter | undefined;
  #consumer: MessageConsumer | undefined = undefined;
  #consumerPending = false;
  #inbox: Inbox<Message> | undefined = undefined;

  constructor(owner: InboundOwner) {
    this.#owner = owner;
    const { rateLimit } = owner.options;
    this.#limiter = rateLimit === false ? undefined : new MessageRateLimiter(rateLimit);
  }

  /** Messages received from the peer (the connection's activity count adds pings and pongs). */
  get messagesIn(): number {
    return this.#messagesIn;
  }

  /** Payload bytes of the messages received from the peer. */
  get bytesIn(): number {
    return this.#bytesIn;
  }

  /** Received messages never delivered: too large, with the queue full, or over the rate limit. */
  get messagesDropped(): number {
    return this.#droppedIn;
  }

  /** Received messages dropped by the rate limit (also counted in {@link messagesDropped}). */
  get messagesRateLimited(): number {
    return this.#rateLimited;
  }

  /** Messages waiting in the inbox (0 when it was never made). */
  get queuedMessages(): number {
    return this.#inbox === undefined ? 0 : this.#inbox.size;
  }

  /** A message arrived from the engine. */
  receive(frame: ArrayBuffer, isBinary: boolean): void {
    // Only the common path is written here; the rare ones are methods of their own, which keeps
    // this small enough for V8 to inline the handler's dispatch into the engine's callback
    // (the `drop...` methods are not #private for the same reason: a private method call
    // adds a brand check to this function's bytecode).
    this.#messagesIn++;
    this.#bytesIn += frame.byteLength;
    if (frame.byteLength > this.#owner.options.maxPayloadLength) return this.dropTooLarge(frame.byteLength);
    const limiter = this.#limiter;
    if (limiter !== undefined && !limiter.admit(this.#owner)) return this.dropOverRateLimit(limiter);
    const consumer = this.#consumer;
    if (consumer !== undefined) {
      if (!dispatchFrame(consumer, frame, isBinary)) this.dropRefused(consumer);
      return;
    }
    if (!this.inbox.push(messageFromFrame(frame, isBinary))) this.dropInboxFull();
  }

  /**
   * Hands every later message to `consumer` instead of the inbox; messages already queued go
   * first. Throws when the connection already has one.
   */
  attach(consumer: MessageConsumer): void {
    if (this.#consumer !== undefined || this.#consumerPending) throw new Error(`Connection ${this.#owner.id} already has a message handler`);
    const inbox = this.#inbox;
    if (inbox === undefined || inbox.size === 0) {
      this.#consumer = consumer;
      if (this.#owner.closeInfo !== undefined) consumer.closed();
      return;
    }
    this.#consumerPending = true;
    void handOver(inbox, consumer, () => this.dropRefused(consumer)).then(() => {
      this.#consumerPending = false;
      this.#consumer = consumer;
      if (this.#owner.closeInfo !== undefined) consumer.closed();
    });
  }

  /** Shutdown: the consumer delivers what it holds now. */
  flush(): Promise<void> | undefined {
    return this.#consumer?.flush();
  }

  /** The connection has closed, first step: readers get what is queued, then `null` / `done`. */
  endInbox(): void {
    this.#inbox?.close();
  }

  /** The connection has closed, last step: the consumer delivers what is pending, then finishes. */
  endConsumer(): void {
    this.#consumer?.closed();
  }

  /** The next message in arrival order; `null` once closed and every queued message was read. */
  recv(): Promise<Message | null> {
    return this.inbox.next();
  }

  /** Like {@link recv}, but resolves with {@link TIMEOUT} when nothing arrives within `ms` (checked by the caller). */
  recvTimeout(ms: number): Promise<Message | null | typeof TIMEOUT> {
    return this.inbox.nextWithin(ms);
  }

  /** The next message parsed as JSON, validated into `dto` when one is given; `null` once closed. */
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

  /** The inbox, made on first use (a closed connection's is the shared closed one). */
  get inbox(): Inbox<Message> {
    let inbox = this.#inbox;
    if (inbox === undefined) {
      const owner = this.#owner;
      inbox = this.#inbox = owner.closeInfo === undefined ? new Inbox(owner.options.maxQueuedMessages, settleQueued) : CLOSED;
    }
    return inbox;
  }

  /** A message over `maxPayloadLength`: counted, logged, and the connection closed with 1009. */
  dropTooLarge(size: number): void {
    this.#droppedIn++;
    const owner = this.#owner;
    if (!owner.isOpen) return;
    const { maxPayloadLength, closeTimeoutMs } = owner.options;
    owner[kLogEvent]('warn', { event: 'ws.payload_too_large', size, maxPayloadLength });
    owner[kBeginClose](ERROR_CODES.PAYLOAD_TOO_LARGE.closeCode, ERROR_CODES.PAYLOAD_TOO_LARGE.message, closeTimeoutMs);
  }

  /** A message over the rate limit: counted, then the policy runs. */
  dropOverRateLimit(limiter: MessageRateLimiter): void {
    // Counted before the policy runs: a close it starts logs these counts.
    this.#droppedIn++;
    this.#rateLimited++;
    limiter.refused(this.#owner);
  }

  /** A message with the inbox full: counted, logged, and the connection closed with 1008. */
  dropInboxFull(): void {
    this.#droppedIn++;
    const owner = this.#owner;
    if (!owner.isOpen) return;
    owner[kLogEvent]('warn', { event: 'ws.queue_overflow', maxQueuedMessages: owner.options.maxQueuedMessages });
    owner[kBeginClose](ERROR_CODES.QUEUE_OVERFLOW.closeCode, ERROR_CODES.QUEUE_OVERFLOW.message, owner.options.closeTimeoutMs);
  }

  /** A message the consumer refused (its buffer is full): counted; the consumer closes. */
  dropRefused(consumer: MessageConsumer): void {
    this.#droppedIn++;
    if (this.#owner.isOpen) consumer.overflowed();
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
