import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { KindlingError } from './errors/kindling-error.js';
import { binaryMessage, isMessage, liveFrameOf, liveMessage, messageFromFrame, releaseFrame, settleQueued, textMessage } from './message.js';

describe('Message', () => {
  it('builds text messages from frames and parses JSON', () => {
    const msg = messageFromFrame(new TextEncoder().encode('{"a":[1,"ü"]}').buffer, false);
    assert.equal(msg.type, 'text');
    assert.equal(msg.type === 'text' && msg.text, '{"a":[1,"ü"]}');
    assert.deepEqual(msg.json(), { a: [1, 'ü'] });
  });

  it('copies binary frames: the message survives the source buffer changing', () => {
    const source = new Uint8Array([1, 2, 3]);
    const msg = messageFromFrame(source.buffer, true);
    source.fill(0);
    assert.equal(msg.type, 'binary');
    assert.deepEqual(msg.type === 'binary' && [...msg.data], [1, 2, 3]);
    assert.notEqual(msg.type === 'binary' && msg.data.buffer, source.buffer);
  });

  it('json() throws INVALID_JSON (close code 1007) for bad JSON, text or binary', () => {
    for (const msg of [textMessage('{oops'), binaryMessage(new Uint8Array([0x7b]))]) {
      assert.throws(
        () => msg.json(),
        (err: unknown) => err instanceof KindlingError && err.code === 'INVALID_JSON' && err.closeCode === 1007,
      );
    }
  });

  it('isMessage recognises messages only', () => {
    assert.equal(isMessage(textMessage('x')), true);
    assert.equal(isMessage(binaryMessage(new Uint8Array())), true);
    assert.equal(isMessage({ type: 'text', text: 'x' }), false);
    assert.equal(isMessage('x'), false);
  });

  it('messages share one prototype; JSON and inspection show type and text', () => {
    const a = textMessage('a');
    const b = textMessage('b');
    assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
    assert.equal(JSON.stringify(a), '{"type":"text","text":"a"}');
    assert.match(inspect(b), /type: 'text', text: 'b'/);
    assert.throws(() => textMessage(42 as unknown as string), TypeError);
  });
});

/** Detaches `buffer` the way uWS does when its `message` callback returns. */
function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
  assert.equal(buffer.byteLength, 0);
}

describe('live messages (read from the frame during the engine callback)', () => {
  const bytes = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer;

  it('keep a copy when released unread: text and json() still work after the frame is detached', () => {
    const frame = bytes('{"n":"ü"}');
    const msg = liveMessage(frame, false);
    assert.equal(liveFrameOf(msg), frame, 'while live, a send reuses the frame');
    releaseFrame(msg);
    assert.equal(liveFrameOf(msg), undefined);
    detach(frame);
    assert.equal(msg.type === 'text' && msg.text, '{"n":"ü"}');
    assert.deepEqual(msg.json(), { n: 'ü' });
  });

  it('read during the callback: decoded from the frame, kept as text after release', () => {
    const frame = bytes('héllo');
    const msg = liveMessage(frame, false);
    assert.equal(msg.type === 'text' && msg.text, 'héllo');
    releaseFrame(msg);
    detach(frame);
    assert.equal(msg.type === 'text' && msg.text, 'héllo');
  });

  it('settleQueued() reads the text while the frame is valid', () => {
    const frame = bytes('later');
    const msg = liveMessage(frame, false);
    settleQueued(msg);
    detach(frame);
    assert.equal(msg.type === 'text' && msg.text, 'later', 'no copy was needed: the text was kept');
    releaseFrame(msg);
    assert.equal(msg.type === 'text' && msg.text, 'later');
  });

  it('binary frames are copied at once; only text messages have a live frame', () => {
    const frame = new Uint8Array([9, 8, 7]).buffer;
    const msg = liveMessage(frame, true);
    detach(frame);
    assert.deepEqual(msg.type === 'binary' && [...msg.data], [9, 8, 7]);
    assert.equal(liveFrameOf(msg), undefined);
    assert.equal(liveFrameOf(messageFromFrame(new Uint8Array([1]).buffer, true)), undefined);
    assert.equal(liveFrameOf(textMessage('x')), undefined);
    assert.equal(liveFrameOf('x'), undefined);
    releaseFrame(msg);
  });

  it('an empty text frame is the empty string', () => {
    const msg = liveMessage(new ArrayBuffer(0), false);
    assert.equal(liveFrameOf(msg), undefined, 'nothing to reuse');
    releaseFrame(msg);
    assert.equal(msg.type === 'text' && msg.text, '');
    const queued = messageFromFrame(new ArrayBuffer(0), false);
    assert.equal(queued.type === 'text' && queued.text, '');
  });

  it('released unread, frames up to 64 bytes and past it read back after the detach', () => {
    for (const text of ['ü'.repeat(32), 'ü'.repeat(33), `${'x'.repeat(200)}🌍`]) {
      const frame = bytes(text);
      const msg = liveMessage(frame, false);
      releaseFrame(msg);
      detach(frame);
      assert.equal(msg.type === 'text' && msg.text, text, `${frame.byteLength} bytes`);
    }
  });
});

describe('messages built for the inbox (read after the engine callback, or during it)', () => {
  const bytes = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer;

  it('offer the frame to a send until it is detached, then only the text, which survives the detach', () => {
    for (const text of ['hi', `${'é'.repeat(40)} 🌍`]) {
      const frame = bytes(text);
      const msg = messageFromFrame(frame, false);
      assert.equal(liveFrameOf(msg), frame, 'a send while the frame is valid reuses it');
      detach(frame);
      assert.equal(liveFrameOf(msg), undefined, 'never a detached frame');
      assert.equal(msg.type === 'text' && msg.text, text);
    }
  });

  it('json() parses after the detach', () => {
    const frame = bytes('{"n":[1,"ü"]}');
    const msg = messageFromFrame(frame, false);
    detach(frame);
    assert.deepEqual(msg.json(), { n: [1, 'ü'] });
  });

  it('settleQueued() lets go of the frame while it is still valid and keeps the text', () => {
    const frame = bytes('waiting');
    const msg = messageFromFrame(frame, false);
    settleQueued(msg);
    assert.equal(liveFrameOf(msg), undefined);
    detach(frame);
    assert.equal(msg.type === 'text' && msg.text, 'waiting');
  });

  it('settleQueued() decodes a live message that was not read yet', () => {
    const frame = bytes('not read yet');
    const msg = liveMessage(frame, false);
    settleQueued(msg);
    detach(frame);
    assert.equal(msg.type === 'text' && msg.text, 'not read yet');
    const binary = messageFromFrame(new Uint8Array([1]).buffer, true);
    settleQueued(binary);
    assert.deepEqual(binary.type === 'binary' && [...binary.data], [1]);
  });
});
