import type { MessageConsumer } from './connection-internals.js';
import type { Inbox } from './inbox.js';
import { messageFromFrame, type Message } from './message.js';

// The text message a consumer is handling inside a uWS `message` callback, and its frame. uWS
// keeps the frame's ArrayBuffer valid until the callback returns (it is detached after), so a
// send of that message meanwhile (an echo, a forward) can reuse its bytes instead of encoding
// the decoded text again. One process runs one callback at a time: module state suffices.
let dispatching: Message | undefined;
let dispatchingFrame: ArrayBuffer | undefined;

/**
 * Hands a frame from the uWS `message` callback to a consumer as a `Message`. Returns what
 * `consumer.push` returned (false: the consumer is full).
 */
export function dispatchFrame(consumer: MessageConsumer, frame: ArrayBuffer, isBinary: boolean): boolean {
  const msg = messageFromFrame(frame, isBinary);
  if (isBinary) return consumer.push(msg);
  const outerMessage = dispatching;
  const outerFrame = dispatchingFrame;
  dispatching = msg;
  dispatchingFrame = frame;
  try {
    return consumer.push(msg);
  } finally {
    dispatching = outerMessage;
    dispatchingFrame = outerFrame;
  }
}

/** The still-valid frame of `data` when it is the text message being dispatched right now. */
export function frameOfDispatched(data: unknown): ArrayBuffer | undefined {
  return data === dispatching ? dispatchingFrame : undefined;
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
