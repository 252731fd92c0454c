import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNotModified, validatorsFor } from './conditional.js';

const mtimeMs = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const validators = validatorsFor(1024, mtimeMs);

describe('validatorsFor', () => {
  it('builds a weak tag from size and mtime, and an HTTP date in whole seconds', () => {
    assert.equal(validators.etag, `W/"400-${mtimeMs.toString(16)}"`);
    assert.equal(validators.lastModified, 'Tue, 02 Jan 2024 03:04:05 GMT');
    assert.equal(validators.modifiedSeconds, Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  it('changes the tag when size or mtime change', () => {
    assert.notEqual(validatorsFor(1025, mtimeMs).etag, validators.etag);
    assert.notEqual(validatorsFor(1024, mtimeMs + 1).etag, validators.etag);
    assert.equal(validatorsFor(1024, mtimeMs + 0.4).etag, validators.etag);
  });
});

describe('isNotModified', () => {
  it('is false without conditional headers', () => {
    assert.equal(isNotModified({}, validators), false);
  });

  it('matches If-None-Match weakly, in a list, and with *', () => {
    assert.equal(isNotModified({ 'if-none-match': validators.etag }, validators), true);
    assert.equal(isNotModified({ 'if-none-match': validators.etag.slice(2) }, validators), true);
    assert.equal(isNotModified({ 'if-none-match': `"other", ${validators.etag}` }, validators), true);
    assert.equal(isNotModified({ 'if-none-match': '*' }, validators), true);
    assert.equal(isNotModified({ 'if-none-match': 'W/"400-0"' }, validators), false);
    assert.equal(isNotModified({ 'if-none-match': '' }, validators), false);
  });

  it('lets If-None-Match decide over If-Modified-Since', () => {
    const future = new Date(mtimeMs + 86_400_000).toUTCString();
    assert.equal(isNotModified({ 'if-none-match': '"stale"', 'if-modified-since': future }, validators), false);
  });

  it('compares If-Modified-Since at second precision and ignores bad dates', () => {
    assert.equal(isNotModified({ 'if-modified-since': validators.lastModified }, validators), true);
    assert.equal(isNotModified({ 'if-modified-since': new Date(mtimeMs + 60_000).toUTCString() }, validators), true);
    assert.equal(isNotModified({ 'if-modified-since': new Date(mtimeMs - 1_000).toUTCString() }, validators), false);
    assert.equal(isNotModified({ 'if-modified-since': 'not a date' }, validators), false);
  });
});
