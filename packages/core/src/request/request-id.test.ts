import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRequestId, resolveRequestId } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('are UUID-shaped (version 4 layout), share a per-process prefix and count up', () => {
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    for (const id of ids) assert.match(id, UUID);
    assert.equal(new Set(ids).size, ids.length, 'no repeats');
    assert.equal(new Set(ids.map((id) => id.slice(0, 24))).size, 1, 'one prefix per process');
    const counters = ids.map((id) => Number.parseInt(id.slice(24), 16));
    for (let i = 1; i < counters.length; i++) assert.equal(counters[i], (counters[i - 1] as number) + 1);
  });

  it('honour a well-formed incoming x-request-id and replace anything else', () => {
    assert.equal(resolveRequestId('req-42'), 'req-42');
    assert.equal(resolveRequestId('a.b_c:d@e/f+g=h'), 'a.b_c:d@e/f+g=h');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 'ünïcode', 'line\nbreak']) {
      assert.match(resolveRequestId(bad), UUID, String(bad));
    }
  });
});
