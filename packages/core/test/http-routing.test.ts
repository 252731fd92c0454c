import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Router, Response } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

const router = new Router()
  .get('/', () => 'root')
  .get('/users/me', () => 'static wins')
  .get('/users/{id}', [], () => 'param')
  .get('/files/{*rest}', () => 'wildcard')
  .post('/users/{id}', () => Response.created())
  .websocket('/live', (ws) => ws.close());

describe('HTTP routing', () => {
  test('static beats param beats wildcard', async () => {
    await using server = await TestServer.start(router);
    await server.request('GET', '/users/me').expectStatus(200).expectText('static wins');
    await server.request('GET', '/users/42').expectStatus(200).expectText('param');
    await server.request('GET', '/files/a/b/c').expectStatus(200).expectText('wildcard');
  });

  test('unknown path is a 404 with the JSON error body', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/nope')
      .expectStatus(404)
      .expectJson({ error: { code: 'NOT_FOUND' } });
  });

  test('known path, wrong method is a 405 with an Allow header', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('DELETE', '/users/7')
      .expectStatus(405)
      .expectHeader('allow', 'GET, HEAD, POST')
      .expectJson({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  test('HEAD is answered by the GET route without a body', async () => {
    await using server = await TestServer.start(router);
    const res = await server.request('HEAD', '/').expectStatus(200);
    assert.equal(res.text, '');
  });

  test('a malformed percent-escape in the path is a 400, not a crash', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/users/%E0%A4%A')
      .expectStatus(400)
      .expectJson({ error: { code: 'MALFORMED_URI' } });
    await server.request('GET', '/users/%zz').expectStatus(400);
    await server.request('GET', '/users/ok').expectStatus(200);
  });

  test('a plain GET to a WebSocket route is a 426', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/live')
      .expectStatus(426)
      .expectJson({ error: { code: 'UPGRADE_REQUIRED' } });
  });

  test('nest() mounts routes under a prefix with the parent middleware first', async () => {
    const order: string[] = [];
    const api = new Router()
      .use(async (_ctx, next) => {
        order.push('child');
        return next();
      })
      .get('/items/{id}', [], () => 'item');
    const root = new Router()
      .use(async (_ctx, next) => {
        order.push('parent');
        return next();
      })
      .nest('/api', api);
    await using server = await TestServer.start(root);
    await server.request('GET', '/api/items/1').expectStatus(200).expectText('item');
    assert.deepEqual(order, ['parent', 'child']);
  });

  test('merge() adds routes at the same level', async () => {
    const a = new Router().get('/a', () => 'a');
    const b = new Router().get('/b', () => 'b');
    await using server = await TestServer.start(a.merge(b));
    await server.request('GET', '/b').expectStatus(200).expectText('b');
  });

  test('two routes with one shape are a start-up error naming both', async () => {
    const clash = new Router().get('/a/{x}', () => 'x').get('/a/:y', () => 'y');
    await assert.rejects(TestServer.start(clash), /a\/\{x\}|a\/:y/);
  });
});
