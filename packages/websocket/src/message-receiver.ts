import { validateDto, type DtoClass, type DtoOptions } from './dto.js';
import { Inbox, TIMEOUT } from './inbox.js';
import type { Message } from './message.js';

/**
 * The receiving side of a connection: `recv()`, `recvTimeout()`, `recvJson()` and
 * `for await`, reading from a bounded {@link Inbox} that the connection fills as frames arrive.
 */
export abstract class MessageReceiver implements AsyncIterable<Message> {
  /** Received messages not read yet. */
  protected readonly inbox: Inbox<Message>;

  protected constructor(maxQueuedMessages: number) {
    this.inbox = new Inbox(maxQueuedMessages);
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
      throw new TypeError(`recvTimeout(ms): ms must be a number from 0 to 2147483647, got ${String(ms)}`);
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
    const inbox = this.inbox;
    return {
      next: () => inbox.nextResult(),
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }
}
