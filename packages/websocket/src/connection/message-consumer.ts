import type { Message } from '../message.js';

/**
 * Takes a connection's messages in place of its inbox (`messageHandler`, `batchHandler`).
 * Called synchronously from the engine's `message` callback, so a consumer can run a handler
 * without a promise per message.
 */
export interface MessageConsumer {
  /**
   * True for a consumer that keeps every message to read after the engine's callback returned
   * (`batchHandler`): it gets them decoded, without the engine's frame.
   */
  readonly keepsMessages: boolean;
  /**
   * Takes a received message. Returns false when it cannot (its buffer is full): the
   * connection then counts the message as dropped and calls {@link overflowed}.
   */
  push(msg: Message): boolean;
  /** After a refused push: log the overflow and start the close (once is enough). */
  overflowed(): void;
  /** The connection has closed: deliver what is pending, then finish. Called once. */
  closed(): void;
  /** Shutdown: deliver what is buffered now; resolves once it was handed to the handler. */
  flush(): Promise<void>;
}
