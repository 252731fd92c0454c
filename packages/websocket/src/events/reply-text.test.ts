import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replyText } from './reply-text.js';

test('replyText writes what JSON.stringify({ id, data }) writes', () => {
  for (const [id, value] of [
    [7, { ok: true }],
    ['r-1', 'text "quoted"'],
    [1.5, [1, null, 'x']],
    [-3, null],
    ['\u2028', 0],
    [1e21, { nested: { deep: [1] } }],
  ] as const) {
    assert.equal(replyText(id, value), JSON.stringify({ id, data: value }));
  }
  assert.equal(replyText(7, undefined), '{"id":7}');
  assert.throws(() => replyText(7, () => 1), /a reply cannot be function/);
  assert.throws(() => replyText(7, 10n), TypeError);
});
