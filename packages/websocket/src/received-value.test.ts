import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeValue } from './received-value.js';

describe('describeValue', () => {
  it('names the type of what it got, so "5000" and 5000 read differently', () => {
    assert.equal(describeValue('5000'), 'string "5000"');
    assert.equal(describeValue(5000), 'number 5000');
    assert.equal(describeValue(Number.NaN), 'number NaN');
    assert.equal(describeValue(true), 'boolean true');
    assert.equal(describeValue(5n), 'bigint 5n');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(undefined), 'undefined');
    assert.equal(describeValue([1, 2]), 'an array');
    assert.equal(describeValue({ intervalMs: 1 }), 'an object');
    assert.equal(
      describeValue(() => 1),
      'a function',
    );
    assert.equal(describeValue('a\r\nb'), 'string "a\\r\\nb"');
    assert.equal(describeValue('x'.repeat(100)), `string "${'x'.repeat(60)}…"`);
  });
});
