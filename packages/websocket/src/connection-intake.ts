import type { CloseInfo } from './close-codes.js';
import { ConnectionIdentity } from './connection-identity.js';
import type { ConnectionInit } from './connection-init.js';
import { kActivity, kActivityCount, kAttachConsumer, kBeginClose, kFlush, kLogEvent, kMessage, type MessageConsumer } from './connection-internals.js';
import { dispatchFrame, handOver } from './consumer-dispatch.js';
import { ERROR_CODES } from './errors/error-codes.js';
import { messageFromFrame } from './message.js';
import { MessageRateLimiter } from './rate-limit.js';
import type { SendResult } from './send-result.js';

/**
 * Where the peer's frames enter a connection: the payload limit, the rate limit, then the
 * message consumer (`messageHandler`, `batchHandler`) or the inbox that `recv()` and
 * `for await` read; with the counts of what came in and what was dropped. The base of
 * {@link WebSocketConnection}, which owns the socket and decides how a close goes.
 */
export abstract class ConnectionIntake<TData = unknown> extends ConnectionIdentity<TData> {
  #messagesIn = 0;
  #bytesIn = 0;
  #droppedIn = 0;
  #rateLimited = 0;
  #activity = 0;
  readonly #limiter: MessageRateLimiter | undefined;
  #consumer: MessageConsumer | undefined = undefined;
  #consumerPending = false;

  constructor(init: ConnectionInit) {
    super(init);
    this.#limiter = init.options.rateLimit === false ? undefined : new MessageRateLimiter(init.options.rateLimit);
  }

  /** True until a close starts. */
  abstract get isOpen(): boolean;
  /** How the connection ended; `undefined` while it is open. */
  abstract get closeInfo(): CloseInfo | undefined;
  /** Sends `JSON.stringify(value)` as a text frame (the rate limit's notices). */
  abstract sendJson(value: unknown): SendResult;
  /** Starts a close with an already validated code and reason. @internal */
  abstract [kBeginClose](code: number, reason: string, timeoutMs: number | undefined): void;

  /** Messages received from the peer. */
  get messagesIn(): number {
    return this.#messagesIn;
  }

  /** Payload bytes of the messages received from the peer. */
  get bytesIn(): number {
    return this.#bytesIn;
  }

  /**
   * Received messages never delivered to the handler: too large, arriving with the queue (or a
   * batch buffer) full, or over the rate limit.
   */
  get messagesDropped(): number {
    return this.#droppedIn;
  }

  /** Received messages dropped by the rate limit (also counted in {@link messagesDropped}). */
  get messagesRateLimited(): number {
    return this.#rateLimited;
  }

  /** Inbound events so far (messages, pings, pongs), read by the heartbeat. @internal */
  get [kActivityCount](): number {
    return this.#activity;
  }

  /** A message arrived from the engine. @internal */
  [kMessage](frame: ArrayBuffer, isBinary: boolean): void {
    // Only the common path is written here; the rare ones are methods of their own, which keeps
    // this small enough for V8 to inline the handler's dispatch into the engine's callback.
    this.#activity++;
    this.#messagesIn++;
    this.#bytesIn += frame.byteLength;
    if (frame.byteLength > this.options.maxPayloadLength) return this.#tooLarge(frame.byteLength);
    const limiter = this.#limiter;
    if (limiter !== undefined && !limiter.admit(this)) return this.#overRateLimit(limiter);
    const consumer = this.#consumer;
    if (consumer !== undefined) {
      if (!dispatchFrame(consumer, frame, isBinary)) this.#refused(consumer);
      return;
    }
    if (!this.inbox.push(messageFromFrame(frame, isBinary))) this.#inboxFull();
  }

  #tooLarge(size: number): void {
    this.#droppedIn++;
    if (!this.isOpen) return;
    this[kLogEvent]('warn', { event: 'ws.payload_too_large', size, maxPayloadLength: this.options.maxPayloadLength });
    this[kBeginClose](ERROR_CODES.PAYLOAD_TOO_LARGE.closeCode, ERROR_CODES.PAYLOAD_TOO_LARGE.message, this.options.closeTimeoutMs);
  }

  #overRateLimit(limiter: MessageRateLimiter): void {
    // Counted before the policy runs: a close it starts logs these counts.
    this.#droppedIn++;
    this.#rateLimited++;
    limiter.refused(this);
  }

  #inboxFull(): void {
    this.#droppedIn++;
    if (!this.isOpen) return;
    this[kLogEvent]('warn', { event: 'ws.queue_overflow', maxQueuedMessages: this.inbox.capacity });
    this[kBeginClose](ERROR_CODES.QUEUE_OVERFLOW.closeCode, ERROR_CODES.QUEUE_OVERFLOW.message, this.options.closeTimeoutMs);
  }

  /** A ping or pong arrived. @internal */
  [kActivity](): void {
    this.#activity++;
  }

  /**
   * Hands every later message to `consumer` instead of the inbox; messages already queued go
   * first. Throws when the connection already has one. @internal
   */
  [kAttachConsumer](consumer: MessageConsumer): void {
    if (this.#consumer !== undefined || this.#consumerPending) throw new Error(`Connection ${this.id} already has a message handler`);
    if (this.queuedMessages === 0) {
      this.#consumer = consumer;
      if (this.closeInfo !== undefined) consumer.closed();
      return;
    }
    this.#consumerPending = true;
    void handOver(this.inbox, consumer, () => this.#refused(consumer)).then(() => {
      this.#consumerPending = false;
      this.#consumer = consumer;
      if (this.closeInfo !== undefined) consumer.closed();
    });
  }

  /** Shutdown: the consumer delivers what it holds now. @internal */
  [kFlush](): Promise<void> | undefined {
    return this.#consumer?.flush();
  }

  /** The connection has closed: the consumer delivers what is pending, then finishes. */
  protected consumerClosed(): void {
    this.#consumer?.closed();
  }

  #refused(consumer: MessageConsumer): void {
    this.#droppedIn++;
    if (this.isOpen) consumer.overflowed();
  }
}
