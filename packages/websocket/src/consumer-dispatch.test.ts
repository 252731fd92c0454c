import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageConsumer } from './connection/message-consumer.js';
import { dispatchFrame, handOver } from './consumer-dispatch.js';
import { Inbox } from './inbox.js';
import { liveFrameOf, textMessage, type Message } from './message.js';

/** A consumer that records what it was given and what it saw during `push`. */
function recorder(accept = true, onPush?: (msg: Message) => void, keepsMessages = false): MessageConsumer & { taken: Message[] } {
  const taken: Message[] = [];
  return {
    taken,
    keepsMessages,
    push(msg) {
      onPush?.(msg);
      if (accept) taken.push(msg);
      return accept;
    },
    overflowed: () => undefined,
    closed: () => undefined,
    flush: () => Promise.resolve(),
  };
}

const frameOf = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer;

/** Detaches `buffer` the way uWS does when its `message` callback returns. */
function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

describe('dispatchFrame', () => {
  it('during push the message reads from the frame; afterwards it owns its bytes', () => {
    const frame = frameOf('ünïcode');
    let during: ArrayBuffer | undefined;
    const consumer = recorder(true, (msg) => (during = liveFrameOf(msg)));
    assert.equal(dispatchFrame(consumer, frame, false), true);
    assert.equal(during, frame, 'a send during push can reuse the frame');
    const [msg] = consumer.taken;
    assert.equal(liveFrameOf(msg), undefined, 'not after the callback');
    detach(frame);
    assert.equal(msg?.type === 'text' && msg.text, 'ünïcode');
  });

  it('a consumer that keeps messages gets them decoded, never reading from the frame', () => {
    const frame = frameOf('kept ü');
    let during: ArrayBuffer | undefined;
    const consumer = recorder(true, (msg) => (during = liveFrameOf(msg)), true);
    assert.equal(dispatchFrame(consumer, frame, false), true);
    assert.equal(during, undefined);
    detach(frame);
    const [msg] = consumer.taken;
    assert.equal(msg?.type === 'text' && msg.text, 'kept ü');
    const binary = new Uint8Array([7]).buffer;
    dispatchFrame(consumer, binary, true);
    detach(binary);
    assert.deepEqual(consumer.taken[1]?.type === 'binary' && [...consumer.taken[1].data], [7]);
  });

  it('returns false when the consumer refuses, and the message is still released', () => {
    const frame = frameOf('x');
    let seen: Message | undefined;
    assert.equal(
      dispatchFrame(
        recorder(false, (msg) => (seen = msg)),
        frame,
        false,
      ),
      false,
    );
    assert.equal(liveFrameOf(seen), undefined);
  });

  it('releases the frame even when push throws', () => {
    const frame = frameOf('boom');
    let seen: Message | undefined;
    const consumer = recorder(true, (msg) => {
      seen = msg;
      throw new Error('handler failed');
    });
    assert.throws(() => dispatchFrame(consumer, frame, false), /handler failed/);
    detach(frame);
    assert.equal(seen?.type === 'text' && seen.text, 'boom');
  });

  it('binary frames arrive as copies', () => {
    const frame = new Uint8Array([1, 2]).buffer;
    const consumer = recorder();
    dispatchFrame(consumer, frame, true);
    detach(frame);
    const [msg] = consumer.taken;
    assert.deepEqual(msg?.type === 'binary' && [...msg.data], [1, 2]);
  });
});

describe('handOver', () => {
  it('moves queued messages in order and reports each one the consumer refused', async () => {
    const inbox = new Inbox<Message>(8);
    for (const t of ['a', 'b', 'c']) inbox.push(textMessage(t));
    let refused = 0;
    const consumer = recorder(true);
    const original = consumer.push.bind(consumer);
    consumer.push = (msg) => (msg.type === 'text' && msg.text === 'b' ? false : original(msg));
    await handOver(inbox, consumer, () => refused++);
    assert.deepEqual(
      consumer.taken.map((m) => m.type === 'text' && m.text),
      ['a', 'c'],
    );
    assert.equal(refused, 1);
    assert.equal(inbox.size, 0);
  });
});
