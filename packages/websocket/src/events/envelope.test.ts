import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envelopeProblem } from './envelope.js';

describe('envelopeProblem', () => {
  test('accepts { type }, with an optional string or number id and any data', () => {
    for (const ok of [
      { type: 'a' },
      { type: 'a', id: 1 },
      { type: 'a', id: 'x', data: null },
      { type: 'a', id: 0, data: [1, 2] },
      JSON.parse('{"type":"a","data":{"__proto__":1}}'),
    ]) {
      assert.equal(envelopeProblem(ok), undefined, JSON.stringify(ok));
    }
  });

  test('names what is wrong', () => {
    assert.match(envelopeProblem([]) ?? '', /got an array/);
    assert.match(envelopeProblem('x') ?? '', /got a string/);
    assert.match(envelopeProblem(null) ?? '', /got null/);
    assert.match(envelopeProblem({ type: 'a', extra: 1 }) ?? '', /unknown key "extra"/);
    assert.match(envelopeProblem(JSON.parse('{"type":"a","__proto__":{}}')) ?? '', /unknown key "__proto__"/);
    assert.match(envelopeProblem({ type: '' }) ?? '', /"type" must be a non-empty string/);
    assert.match(envelopeProblem({ type: 5 }) ?? '', /"type" must be a non-empty string/);
    assert.match(envelopeProblem({ type: 'a', id: true }) ?? '', /"id" must be a string or a number/);
    assert.match(envelopeProblem({ type: 'a', id: null }) ?? '', /"id" must be a string or a number/);
  });
});
