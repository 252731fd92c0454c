import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { LazyRequestParts, normalizeAddress, readRequestParts } from './request-parts.js';

/** The parts of uWS's request and response that reading a request touches. */
function fakes(headers: [string, string][], address = '127.0.0.1'): { req: HttpRequest; res: HttpResponse; reads: () => number; end: () => void } {
  let reads = 0;
  let valid = true;
  const req = {
    getCaseSensitiveMethod: () => 'get',
    getUrl: () => '/p',
    getQuery: () => 'a=1',
    forEach: (cb: (name: string, value: string) => void) => {
      for (const [n, v] of headers) cb(n, v);
    },
  } as unknown as HttpRequest;
  const res = {
    getRemoteAddressAsText: () => {
      if (!valid) throw new Error('uWS.HttpResponse must not be accessed after it ended');
      reads++;
      return new TextEncoder().encode(address).buffer;
    },
  } as unknown as HttpResponse;
  return { req, res, reads: () => reads, end: () => (valid = false) };
}

describe('request parts', () => {
  it('copy method (upper case), path, query and headers; repeated headers are joined', () => {
    const { req, res } = fakes([
      ['accept', 'a'],
      ['accept', 'b'],
      ['cookie', 'x=1'],
      ['cookie', 'y=2'],
      ['host', 'h'],
    ]);
    for (const parts of [readRequestParts(req, res), new LazyRequestParts(req, res)]) {
      assert.equal(parts.method, 'GET');
      assert.equal(parts.path, '/p');
      assert.equal(parts.rawQuery, 'a=1');
      assert.deepEqual({ ...parts.headers }, { accept: 'a, b', cookie: 'x=1; y=2', host: 'h' });
    }
  });

  it('count the header section as sent: name, value and 4 bytes per line, repeated lines each', () => {
    const { req, res } = fakes([
      ['accept', 'a'],
      ['accept', 'bb'],
      ['host', 'example.test'],
    ]);
    const expected = 'accept'.length + 1 + 4 + 'accept'.length + 2 + 4 + 'host'.length + 'example.test'.length + 4;
    for (const parts of [readRequestParts(req, res), new LazyRequestParts(req, res)]) assert.equal(parts.headerBytes, expected);
    assert.equal(readRequestParts(fakes([]).req, res).headerBytes, 0);
  });

  it('each request gets its own headers object', () => {
    const one = fakes([['a', '1']]);
    const two = fakes([['b', '2']]);
    const first = new LazyRequestParts(one.req, one.res);
    const second = new LazyRequestParts(two.req, two.res);
    assert.deepEqual({ ...first.headers }, { a: '1' });
    assert.deepEqual({ ...second.headers }, { b: '2' });
  });

  it('lazy parts read the address from uWS only when asked, once', () => {
    const { req, res, reads } = fakes([], '::ffff:10.0.0.7');
    const parts = new LazyRequestParts(req, res);
    assert.equal(reads(), 0);
    assert.equal(parts.remoteAddress, '10.0.0.7');
    assert.equal(parts.remoteAddress, '10.0.0.7');
    assert.equal(reads(), 1);
  });

  it('pin() reads it while the response is valid; after release() it is never read from uWS again', () => {
    const pinned = fakes([], '192.168.1.2');
    const a = new LazyRequestParts(pinned.req, pinned.res);
    a.pin();
    a.release();
    pinned.end();
    assert.equal(a.remoteAddress, '192.168.1.2');

    const released = fakes([], '192.168.1.3');
    const b = new LazyRequestParts(released.req, released.res);
    b.release();
    released.end();
    assert.equal(b.remoteAddress, '', 'nobody pinned it: empty, not a throw');
    assert.equal(released.reads(), 0);
  });

  it('normalizeAddress shows IPv4-mapped IPv6 as IPv4 and leaves the rest', () => {
    assert.equal(normalizeAddress('0000:0000:0000:0000:0000:ffff:7f00:0001'), '127.0.0.1');
    assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeAddress('2001:db8::1'), '2001:db8::1');
  });
});
