import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloseInfo } from '../close-codes.js';
import { resolveConnectionOptions } from '../connection-options.js';
import { flushMicrotasks } from '../connection-stub.case.js';
import { liveFrameOf, type Message } from '../message.js';
import { toFrame } from '../send-result.js';
import { kBeginClose, kLogEvent } from './connection-symbols.js';
import { Inbound, type InboundOwner } from './inbound.js';

/** The connection side of a receiver: open until {@link Receiver.end}, with room for 8 messages. */
class Owner implements InboundOwner {
  readonly id = 'test';
  readonly options = resolveConnectionOptions({ maxQueuedMessages: 8 });
  closeInfo: CloseInfo | undefined = undefined;
  get isOpen(): boolean {
    return this.closeInfo === undefined;
  }
  sendJson(): 'closed' {
    return 'closed';
  }
  [kLogEvent](): void {}
  [kBeginClose](): void {}
}

/** An inbound path fed the way the connection feeds it from the engine's `message` callback. */
class Receiver extends Inbound {
  readonly #owner: Owner;

  constructor(owner = new Owner()) {
    super(owner);
    this.#owner = owner;
  }

  /**
   * One engine callback: the frame arrives, the microtasks queued meanwhile run, then the engine
   * detaches the frame.
   */
  async deliver(text: string): Promise<void> {
    const frame = this.arrive(text);
    await flushMicrotasks();
    structuredClone(frame, { transfer: [frame] });
  }

  /** The first step of {@link deliver} alone: the frame stays valid. */
  arrive(text: string): ArrayBuffer {
    const frame = new TextEncoder().encode(text).buffer;
    this.receive(frame, false);
    assert.equal(this.messagesDropped, 0);
    return frame;
  }

  get queued(): number {
    return this.queuedMessages;
  }

  end(): void {
    this.#owner.closeInfo = { code: 1000, reason: '', wasClean: true, initiatedBy: 'client' };
    this.endInbox();
  }
}

/** What a send of `msg` puts on the wire, decoded (the frame if it is still valid, else the text). */
function wire(msg: Message): { text: string; reused: boolean } {
  const live = liveFrameOf(msg);
  if (live !== undefined) return { text: new TextDecoder().decode(live), reused: true };
  const { payload } = toFrame(msg);
  assert.equal(typeof payload, 'string');
  return { text: payload as string, reused: false };
}

const TEXTS = ['hi', 'grüße, 世界 🌍', `{"pad":"${'x'.repeat(100)}"}`];

describe('for await over received frames', () => {
  it('a message forwarded as it arrives reuses the frame; forwarded later, its text', async () => {
    const rx = new Receiver();
    const sent: { text: string; reused: boolean }[] = [];
    const kept: Message[] = [];
    const loop = (async () => {
      for await (const msg of rx) {
        // The previous message's callback has returned: its frame is detached now.
        const previous = kept.at(-1);
        if (previous !== undefined) sent.push(wire(previous));
        sent.push(wire(msg));
        kept.push(msg);
      }
    })();
    for (const text of TEXTS) await rx.deliver(text);
    assert.equal(rx.queued, 0, 'each message went straight to the waiting loop');
    rx.end();
    await loop;
    assert.deepEqual(sent, [
      { text: TEXTS[0], reused: true },
      { text: TEXTS[0], reused: false },
      { text: TEXTS[1], reused: true },
      { text: TEXTS[1], reused: false },
      { text: TEXTS[2], reused: true },
    ]);
    assert.deepEqual(
      kept.map((msg) => msg.type === 'text' && msg.text),
      TEXTS,
    );
  });

  it('messages that arrive while the reader is busy wait without their frames and read back intact', async () => {
    const rx = new Receiver();
    for (const text of TEXTS) await rx.deliver(text);
    assert.equal(rx.queued, TEXTS.length);
    const got: { text: string; reused: boolean }[] = [];
    rx.end();
    for await (const msg of rx) got.push(wire(msg));
    assert.deepEqual(
      got,
      TEXTS.map((text) => ({ text, reused: false })),
    );
  });

  it('a message that had to wait lets go of its frame at once, even while the frame is valid', async () => {
    const rx = new Receiver();
    const frame = rx.arrive('queued');
    assert.equal(rx.queued, 1);
    const msg = await rx.recv();
    assert.equal(frame.byteLength, 6, 'still valid');
    assert.deepEqual(msg === null ? null : wire(msg), { text: 'queued', reused: false });
    rx.end();
  });

  it('recv, recvTimeout and recvJson read frames the engine has detached', async () => {
    const rx = new Receiver();
    await rx.deliver('{"n":1}');
    await rx.deliver('second');
    await rx.deliver('third');
    assert.deepEqual(await rx.recvJson(), { n: 1 });
    const second = await rx.recv();
    assert.equal(second?.type === 'text' && second.text, 'second');
    const third = await rx.recvTimeout(1000);
    assert.equal(typeof third === 'object' && third?.type === 'text' && third.text, 'third');
    rx.end();
    assert.equal(await rx.recv(), null);
  });
});
