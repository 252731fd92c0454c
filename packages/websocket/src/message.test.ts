import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KindlingError } from './errors/kindling-error.js';
import { binaryMessage, isMessage, messageFromFrame, textMessage } from './message.js';

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
      assert.throws(() => msg.json(), (err: unknown) => err instanceof KindlingError && err.code === 'INVALID_JSON' && err.closeCode === 1007);
    }
  });

  it('isMessage recognises messages only', () => {
    assert.equal(isMessage(textMessage('x')), true);
    assert.equal(isMessage(binaryMessage(new Uint8Array())), true);
    assert.equal(isMessage({ type: 'text', text: 'x' }), false);
    assert.equal(isMessage('x'), false);
  });

  it('messages share one prototype and carry only their own data', () => {
    const a = textMessage('a');
    const b = textMessage('b');
    assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
    assert.deepEqual(Object.keys(a), ['type', 'text']);
  });
});
