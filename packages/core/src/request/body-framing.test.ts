import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidBodyFraming } from '../errors/rejections.js';
import { readBodyFraming } from './body-framing.js';

const refused = (headers: Record<string, string>, message: RegExp) =>
  assert.throws(
    () => readBodyFraming(headers),
    (err: unknown) => err instanceof InvalidBodyFraming && err.status === 400 && message.test(err.message),
  );

test('no framing headers, or a zero length, is no body', () => {
  assert.equal(readBodyFraming({}), 'none');
  assert.equal(readBodyFraming({ 'content-length': '0' }), 'none');
  assert.equal(readBodyFraming({ 'content-length': '000' }), 'none');
});

test('one Content-Length of digits is that many bytes', () => {
  assert.equal(readBodyFraming({ 'content-length': '42' }), 42);
  assert.equal(readBodyFraming({ 'content-length': '999999999999999' }), 999999999999999);
});

test('chunked, in any case and with surrounding spaces, is chunked', () => {
  assert.equal(readBodyFraming({ 'transfer-encoding': 'chunked' }), 'chunked');
  assert.equal(readBodyFraming({ 'transfer-encoding': ' Chunked ' }), 'chunked');
});

test('a repeated, listed, signed, spaced or oversized Content-Length is refused', () => {
  refused({ 'content-length': '3, 10' }, /repeated or listing several values/);
  refused({ 'content-length': '3, 3' }, /repeated or listing several values/);
  for (const value of ['+3', '-1', '3 ', '0x10', '1e3', '', '1234567890123456']) refused({ 'content-length': value }, /not a number of bytes/);
});

test('Transfer-Encoding with Content-Length, or a coding other than chunked, is refused', () => {
  refused({ 'transfer-encoding': 'chunked', 'content-length': '3' }, /together with Content-Length/);
  for (const coding of ['gzip, chunked', 'chunked, gzip', 'identity', 'chunked, chunked', '']) {
    refused({ 'transfer-encoding': coding }, /only chunked/);
  }
});
