import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestServer } from '@kindling/testing';
import { assertFails } from './assert-failure.js';
import { testRouter } from './fixtures.js';

describe('server.request()', () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(testRouter());
  });
  after(() => server.close());

  it('chains expectations and resolves with the response', async () => {
    const res = await server
      .request('GET', '/health')
      .expectStatus(200)
      .expectHeader('Content-Type', /application\/json/)
      .expectHeader('x-request-id')
      .expectJson({ ok: true });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { ok: true, service: 'kindling' });
    await server
      .request('GET', '/text')
      .expectText('plain words')
      .expectText(/words$/);
  });

  it('sends a JSON body, query, headers and cookies', async () => {
    await server
      .request('POST', '/echo', { body: { name: 'lobby' } })
      .expectStatus(201)
      .expectHeader('location', '/echo/1')
      .expectHeader('x-trace', 'abc')
      .expectJson({ name: 'lobby' }, { exact: true });
    await server
      .request('GET', '/inspect', { query: { a: '1', b: ['2', '3'] }, headers: { 'X-Custom': 'v' }, cookies: { sid: 'x y' } })
      .expectJson({ query: { a: '1', b: ['2', '3'] }, headers: { 'x-custom': 'v' }, cookies: { sid: 'x y' } });
  });

  it('fails expectStatus with the request, the status and the body', async () => {
    await assertFails(
      server.request('GET', '/health').expectStatus(201),
      /expectStatus failed on GET \/health/,
      /expected: status 201/,
      /received: status 200/,
      /body: \{"ok":true/,
    );
  });

  it('fails the first expectation that does not hold, in order', async () => {
    await assertFails(
      server.request('GET', '/health').expectStatus(200).expectHeader('x-missing').expectStatus(500),
      /expectHeader failed/,
      /no x-missing header/,
    );
    await assertFails(server.request('GET', '/health').expectHeader('content-type', 'text/plain'), /received: content-type: application\/json/);
    await assertFails(server.request('GET', '/text').expectText('other'), /received: body "plain words"/);
    await assertFails(server.request('GET', '/health').expectJson({ ok: false }), /\$\.ok: expected false, received true/);
    await assertFails(server.request('GET', '/text').expectJson(), /not JSON/);
  });

  it('sends nothing until awaited, and refuses expectations after', async () => {
    const req = server.request('GET', '/health');
    await req;
    assert.throws(() => req.expectStatus(200), /after the request was sent/);
  });

  it('returns redirects as they are unless asked to follow them', async () => {
    await server.request('GET', '/old').expectStatus(302).expectHeader('location', '/health');
    await server.request('GET', '/old', { redirect: 'follow' }).expectStatus(200).expectJson({ ok: true });
    await server.request('POST', '/submit', { body: 'x', redirect: 'follow' }).expectStatus(200).expectJson({ ok: true });
    await assertFails(server.request('GET', '/loop', { redirect: 'follow' }), /GET \/loop failed: more than 5 redirects/);
  });

  it('reports a 404 for an unknown route', async () => {
    await server
      .request('GET', '/nowhere')
      .expectStatus(404)
      .expectJson({ error: { code: 'NOT_FOUND' } });
  });
});
