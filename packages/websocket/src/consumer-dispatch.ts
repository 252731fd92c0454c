import type { MessageConsumer } from './connection/message-consumer.js';
import type { Inbox } from './inbox.js';
import { keptMessage, liveMessage, releaseFrame, type Message } from './message.js';

/**
 * Hands a frame from the uWS `message` callback to a consumer as a `Message`. Returns what
 * `consumer.push` returned (false: the consumer is full).
 *
 * A text message reads from the frame until `push` returns: uWS keeps the frame valid for the
 * rest of its callback. A consumer that runs the handler at once (messageHandler) thus lets it
 * forward the message without decoding it; one that keeps every message for later
 * (`keepsMessages`) gets it decoded at once. Either way the message owns its bytes when this
 * returns.
 */
export function dispatchFrame(consumer: MessageConsumer, frame: ArrayBuffer, isBinary: boolean): boolean {
  if (consumer.keepsMessages) return consumer.push(keptMessage(frame, isBinary));
  const msg = liveMessage(frame, isBinary);
  try {
    return consumer.push(msg);
  } finally {
    releaseFrame(msg);
  }
}

/**
 * Moves the messages queued in `inbox` before a consumer was attached into it, in order. Until
 * the inbox is empty new messages keep queuing behind the old ones, so the order holds; the
 * caller switches over as soon as this resolves (nothing can arrive in between).
 */
export async function handOver(inbox: Inbox<Message>, consumer: MessageConsumer, refused: () => void): Promise<void> {
  while (inbox.size > 0) {
    const msg = await inbox.next();
    if (msg !== null && !consumer.push(msg)) refused();
  }
}
