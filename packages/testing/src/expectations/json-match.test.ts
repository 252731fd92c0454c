import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffJson, formatMismatches } from './json-match.js';

describe('diffJson', () => {
  it('matches partially: only the expected keys count', () => {
    assert.deepEqual(diffJson({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 2, d: 3 }, e: 4 }, 'partial'), []);
  });

  it('reports extra keys only in exact mode', () => {
    assert.deepEqual(diffJson({ a: 1 }, { a: 1, b: 2 }, 'exact'), [{ path: '$.b', problem: 'unexpected key (received 2)' }]);
  });

  it('reports wrong values, missing keys and types with their paths', () => {
    const mismatches = diffJson({ a: 1, 'x-y': [1, { z: 'q' }], m: 'here', o: {} }, { a: 2, 'x-y': [1, { z: 'r' }], o: [] }, 'partial');
    assert.deepEqual(mismatches, [
      { path: '$.a', problem: 'expected 1, received 2' },
      { path: '$["x-y"][1].z', problem: 'expected "q", received "r"' },
      { path: '$.m', problem: 'missing (expected "here")' },
      { path: '$.o', problem: 'expected an object, received an array []' },
    ]);
  });

  it('requires arrays of the same length, item by item', () => {
    assert.deepEqual(diffJson([1, 2], [1, 2, 3], 'partial'), [{ path: '$', problem: 'expected 2 items, received 3' }]);
    assert.deepEqual(diffJson([{ a: 1 }], [{ a: 1, b: 2 }], 'partial'), []);
  });

  it('accepts RegExp and predicate leaves', () => {
    assert.deepEqual(diffJson({ id: /^u-/, n: (v: unknown) => v === 3 }, { id: 'u-1', n: 3 }, 'exact'), []);
    assert.equal(diffJson({ id: /^u-/ }, { id: 5 }, 'partial').length, 1);
    assert.match(
      diffJson(
        {
          n: function isBig(v: unknown) {
            return (v as number) > 10;
          },
        },
        { n: 3 },
        'partial',
      )[0]?.problem ?? '',
      /predicate isBig rejected 3/,
    );
  });

  it('compares primitives and null strictly', () => {
    assert.equal(diffJson(1, '1', 'partial').length, 1);
    assert.equal(diffJson(null, {}, 'partial').length, 1);
    assert.equal(diffJson({ a: null }, { a: null }, 'exact').length, 0);
  });

  it('stops after 20 differences', () => {
    const expected = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    const mismatches = diffJson(expected, {}, 'partial');
    assert.equal(mismatches.length, 20);
    assert.match(formatMismatches(mismatches), /stopped after 20 differences/);
  });
});
