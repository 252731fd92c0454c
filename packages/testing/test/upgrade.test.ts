import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestServer } from '@kindling/testing';
import { assertFails } from './assert-failure.js';
import { optionsRouter, testRouter } from './fixtures.js';

describe('server.ws(path, options)', () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(testRouter(), { timeoutMs: 1000 });
  });
  after(() => server.close());

  it('sends query, headers, cookies, origin and protocols', async () => {
    await using options = await TestServer.start(optionsRouter());
    await using ws = await options.ws('/inspect', {
      query: { room: 'a b', tag: ['x', 'y'], skipped: undefined },
      headers: { 'X-Custom': 'yes' },
      cookies: { session: 'abc;1' },
      origin: 'http://ok.test',
      protocols: ['v1', 'v2'],
    });
    assert.equal(ws.protocol, 'v2');
    await ws.expectJson(
      { query: { room: 'a b', tag: ['x', 'y'] }, origin: 'http://ok.test', custom: 'yes', cookies: { session: 'abc;1' }, protocol: 'v2' },
      { exact: true },
    );
  });

  it('expectRejected passes on the status and a partial JSON body', async () => {
    const rejection = await server.ws('/auth').expectRejected(401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } });
    assert.equal(rejection.status, 401);
    assert.deepEqual(rejection.json(), { error: { code: 'UNAUTHORIZED', message: 'bad token' } });
    await server.ws('/auth').expectRejected(401, 'bad token');
    await server.ws('/auth').expectRejected(401, /UNAUTHORIZED/);
    await server.ws('/auth').expectRejected(undefined, (body) => body.includes('token'));
    await server.ws('/no-such-route').expectRejected(404);
  });

  it('expectRejected fails on another status or body, showing both', async () => {
    await assertFails(server.ws('/auth').expectRejected(403), /expected: the upgrade to be rejected with 403/, /received: status 401/, /body: \{"error"/);
    await assertFails(
      server.ws('/auth').expectRejected(401, { error: { code: 'FORBIDDEN' } }),
      /\$\.error\.code: expected "FORBIDDEN", received "UNAUTHORIZED"/,
    );
    await assertFails(server.ws('/auth').expectRejected(401, 'nope'), /a body without that text/);
  });

  it('expectRejected fails when the upgrade is accepted', async () => {
    await assertFails(server.ws('/auth', { query: { token: 'secret' } }).expectRejected(401), /received: 101 Switching Protocols/);
  });

  it('awaiting a refused upgrade rejects with the status and body', async () => {
    await assertFails(server.ws('/auth'), /WebSocket upgrade failed on ws \/auth/, /received: 401/, /"code":"UNAUTHORIZED"/);
  });

  it('an accepted upgrade with the right credentials opens', async () => {
    await using ws = await server.ws('/auth', { query: { token: 'secret' } });
    await ws.expectText('welcome secret');
  });

  it("checks the route's origin allowlist before the upgrade", async () => {
    await using options = await TestServer.start(optionsRouter());
    await options.ws('/origin', { origin: 'http://evil.test' }).expectRejected(403, { error: { code: 'ORIGIN_NOT_ALLOWED' } });
    await using ws = await options.ws('/origin', { origin: 'http://ok.test' });
    await ws.expectText('hello');
  });

  it('rejects a path without a leading slash', () => {
    assert.throws(() => server.ws('echo'), /must start with '\/'/);
  });
});
