import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeSeriesKey, closeSeriesLabels } from './labels.js';

describe('close series keys', () => {
  it('give back the code label and who closed', () => {
    const cases: [number, 'server' | 'client', string][] = [
      [1000, 'client', '1000'],
      [1000, 'server', '1000'],
      [1006, 'client', '1006'],
      [4000, 'server', '4xxx'],
      [4999, 'client', '4xxx'],
      [3000, 'client', 'other'],
      [999, 'server', 'other'],
      [5000, 'client', 'other'],
    ];
    for (const [code, initiatedBy, label] of cases) {
      assert.deepEqual(closeSeriesLabels(closeSeriesKey(code, initiatedBy)), { code: label, initiatedBy }, `${code} ${initiatedBy}`);
    }
  });

  it('are one per label pair, so a peer choosing codes cannot make series', () => {
    const keys = new Set<number>();
    for (let code = 0; code < 6000; code++) for (const by of ['server', 'client'] as const) keys.add(closeSeriesKey(code, by));
    const labels = new Set([...keys].map((key) => JSON.stringify(closeSeriesLabels(key))));
    assert.equal(labels.size, keys.size);
    assert.ok(keys.size < 80, `${keys.size} series`);
  });
});
