import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentTypeFor, DEFAULT_CONTENT_TYPE } from './mime-types.js';

describe('contentTypeFor', () => {
  it('maps common web extensions, text ones with charset=utf-8', () => {
    assert.equal(contentTypeFor('index.html'), 'text/html; charset=utf-8');
    assert.equal(contentTypeFor('app.js'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('site.css'), 'text/css; charset=utf-8');
    assert.equal(contentTypeFor('data.json'), 'application/json; charset=utf-8');
    assert.equal(contentTypeFor('logo.svg'), 'image/svg+xml');
    assert.equal(contentTypeFor('photo.jpeg'), 'image/jpeg');
    assert.equal(contentTypeFor('font.woff2'), 'font/woff2');
    assert.equal(contentTypeFor('module.wasm'), 'application/wasm');
  });

  it('ignores case and uses only the last extension', () => {
    assert.equal(contentTypeFor('PHOTO.PNG'), 'image/png');
    assert.equal(contentTypeFor('archive.tar.gz'), 'application/gzip');
    assert.equal(contentTypeFor('a/b.c/readme.txt'), 'text/plain; charset=utf-8');
  });

  it('falls back to octet-stream for unknown, missing and prototype-named extensions', () => {
    for (const name of ['LICENSE', 'file.unknownext', 'x.constructor', 'x.__proto__', 'x.toString', '.env', 'trailing.']) {
      assert.equal(contentTypeFor(name), DEFAULT_CONTENT_TYPE, name);
    }
  });
});
