import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSerial, idText, newSerial, newSerialId, parseSerial, serialBytes } from './serial-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('serial ids', () => {
  it('are UUID-shaped, share one per-process prefix and count up across every kind of id', () => {
    const a = newSerialId();
    const b = formatSerial(newSerial());
    const c = idText(newSerial());
    for (const id of [a, b, c]) assert.match(id, UUID);
    assert.equal(new Set([a, b, c].map((id) => id.slice(0, 24))).size, 1);
    const counters = [a, b, c].map((id) => Number.parseInt(id.slice(24), 16));
    assert.deepEqual(counters, [counters[0], (counters[0] as number) + 1, (counters[0] as number) + 2]);
  });

  it('parse back to their serial; other strings parse to undefined', () => {
    const serial = newSerial();
    const id = formatSerial(serial);
    assert.equal(parseSerial(id), serial);
    assert.equal(parseSerial(formatSerial(2 ** 48 - 1)), 2 ** 48 - 1);
    const foreign = `${id[0] === 'f' ? 'e' : 'f'}${id.slice(1)}`;
    for (const other of [foreign, `${id.slice(0, 24)}ABCDEF012345`, `${id.slice(0, 24)}-12345678901`, `${id}0`, '', 'lobby']) {
      assert.equal(parseSerial(other), undefined, other);
    }
  });

  it('serialBytes writes the same text as bytes, into one buffer the next call overwrites', () => {
    const decode = (bytes: ArrayBuffer) => new TextDecoder().decode(bytes);
    for (const serial of [1, 15, 16, 255, 4096, newSerial(), 2 ** 32 + 5, 2 ** 48 - 1]) {
      assert.equal(decode(serialBytes(serial)), formatSerial(serial), String(serial));
    }
    const first = serialBytes(10);
    assert.equal(serialBytes(11), first);
    assert.equal(decode(first), formatSerial(11));
  });

  it('idText leaves text as it is', () => {
    assert.equal(idText('req-42'), 'req-42');
  });
});
