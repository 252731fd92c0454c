// The page's reconnect delays (public/backoff.js runs unchanged in Node).
import assert from 'node:assert/strict';
import { test } from 'node:test';

type BackoffDelay = (attempt: number, options?: { baseMs?: number; maxMs?: number; random?: () => number }) => number;
// dist/test/ → examples/chat/public/
const { backoffDelay } = (await import(new URL('../../public/backoff.js', import.meta.url).href)) as { backoffDelay: BackoffDelay };

test('delays double per attempt, between half and all of the step', () => {
  const low = () => 0;
  const high = () => 1;
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, { random: low })), [250, 500, 1000, 2000]);
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, { random: high })), [500, 1000, 2000, 4000]);
});

test('delays stop growing at maxMs, even for huge attempt counts', () => {
  assert.equal(backoffDelay(10, { random: () => 1 }), 15_000);
  assert.equal(backoffDelay(10_000, { random: () => 1 }), 15_000);
  assert.equal(backoffDelay(10_000, { random: () => 0, maxMs: 2_000 }), 1_000);
});

test('jitter spreads pages over the upper half of the step', () => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
  for (const delay of delays) assert.ok(delay >= 4_000 && delay <= 8_000, `${delay} out of range`);
  assert.ok(delays.size > 1, 'no jitter');
});
