import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSendableCloseCode, isSendableCloseCode, MAX_CLOSE_REASON_BYTES, truncateCloseReason } from './close-codes.js';

describe('truncateCloseReason', () => {
  it('keeps reasons that fit', () => {
    assert.equal(truncateCloseReason(''), '');
    assert.equal(truncateCloseReason('a'.repeat(123)), 'a'.repeat(123));
    assert.equal(truncateCloseReason('é'.repeat(61)), 'é'.repeat(61));
  });

  it('cuts ASCII at 123 bytes', () => {
    assert.equal(truncateCloseReason('a'.repeat(200)), 'a'.repeat(123));
  });

  it('never splits a multi-byte character', () => {
    // 'é' is 2 bytes: 61 fit in 122, the 62nd would straddle byte 123.
    assert.equal(truncateCloseReason('é'.repeat(100)), 'é'.repeat(61));
    // '€' is 3 bytes: 41 × 3 = 123.
    assert.equal(truncateCloseReason('€'.repeat(50)), '€'.repeat(41));
    // '😀' is 4 bytes (a surrogate pair): 30 × 4 = 120.
    const cut = truncateCloseReason('😀'.repeat(40));
    assert.equal(cut, '😀'.repeat(30));
    for (const s of ['x' + 'é'.repeat(80), 'xx' + '😀'.repeat(40), 'x'.repeat(121) + '€€']) {
      const out = truncateCloseReason(s);
      assert.ok(Buffer.byteLength(out) <= MAX_CLOSE_REASON_BYTES, s);
      assert.ok(s.startsWith(out), 'a prefix of the input');
      assert.ok(!out.includes('\uFFFD'), 'no replacement character');
    }
  });
});

describe('close code validation', () => {
  it('accepts the codes that may be sent', () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999]) {
      assert.equal(isSendableCloseCode(code), true, String(code));
      assertSendableCloseCode(code);
    }
  });

  it('rejects reserved, out-of-range and non-integer codes with a TypeError', () => {
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 1000.5, Number.NaN, Infinity]) {
      assert.equal(isSendableCloseCode(code), false, String(code));
      assert.throws(() => assertSendableCloseCode(code), TypeError);
    }
    assert.throws(() => assertSendableCloseCode('1000'), TypeError);
  });
});
