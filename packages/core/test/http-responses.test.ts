import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Forbidden, KindlingError, Query, Response, Router, type Middleware } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

const router = new Router()
  .get('/text', () => 'hello')
  .get('/json', () => ({ a: 1 }))
  .get('/array', () => [1, 2])
  .get('/bytes', () => new Uint8Array([1, 2, 3]))
  .get('/nothing', () => undefined)
  .get('/redirect', () => Response.redirect('/text', 307))
  .get('/cookie', () => Response.text('set').cookie('session', 'a b', { httpOnly: true, sameSite: 'Lax' }).header('X-Custom', '1'))
  .get('/async', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return Response.json({ late: true }, 202);
  })
  .get('/throw', () => {
    throw new Error('secret database password leaked');
  })
  .get('/reject', async () => {
    await Promise.resolve();
    throw new TypeError('async secret');
  })
  .get('/forbidden', () => {
    throw new Forbidden('Not your room');
  })
  .get('/conflict', () => {
    throw new KindlingError('CONFLICT', { message: 'Taken', details: { name: 'lobby' } });
  });

describe('HTTP responses', () => {
  test('return values become responses', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/text')
      .expectStatus(200)
      .expectHeader('content-type', /text\/plain/)
      .expectText('hello');
    await server
      .request('GET', '/json')
      .expectHeader('content-type', /application\/json/)
      .expectJson({ a: 1 });
    await server.request('GET', '/array').expectJson([1, 2]);
    const bytes = await server.request('GET', '/bytes').expectHeader('content-type', 'application/octet-stream');
    assert.equal(bytes.text, '\u0001\u0002\u0003');
    await server.request('GET', '/nothing').expectStatus(204).expectText('');
    await server.request('GET', '/async').expectStatus(202).expectJson({ late: true });
  });

  test('Response helpers set status, headers and cookies', async () => {
    await using server = await TestServer.start(router);
    await server.request('GET', '/redirect', { redirect: 'manual' }).expectStatus(307).expectHeader('location', '/text');
    await server
      .request('GET', '/cookie')
      .expectHeader('set-cookie', /^session=a%20b; Path=\/; HttpOnly; SameSite=Lax$/)
      .expectHeader('x-custom', '1');
  });

  test('a cookie attribute that would inject another attribute is a 500 and a logged TypeError, never a header', async () => {
    const cookies = new Router()
      .get('/path', [Query()], (q) => Response.text('set').cookie('sid', 'v', { path: String(q['path']) }))
      .get('/name', [Query()], (q) => Response.text('set').cookie(String(q['name']), 'v'))
      .get('/value', [Query()], (q) => Response.text('set').cookie('sid', String(q['value'])));
    await using server = await TestServer.start(cookies, { logs: true });
    await server
      .request('GET', '/path', { query: { path: '/app' } })
      .expectStatus(200)
      .expectHeader('set-cookie', 'sid=v; Path=/app');
    for (const path of ['/; Domain=evil.example', '/a\r\nSet-Cookie: admin=1', '/caf\u00e9']) {
      const res = await server
        .request('GET', '/path', { query: { path } })
        .expectStatus(500)
        .expectJson({ error: { code: 'INTERNAL' } });
      assert.equal(res.headers['set-cookie'], undefined);
      const message = `Invalid cookie path for "sid": expected printable ASCII without ";", got string ${JSON.stringify(path)}`;
      await server.expectLog((e) => e['level'] === 50 && (e['err'] as { message?: unknown } | undefined)?.message === message);
    }
    for (const name of ['a;b', 'sid\r\nX: 1', 'sessi\u00f3n']) {
      const res = await server.request('GET', '/name', { query: { name } }).expectStatus(500);
      assert.equal(res.headers['set-cookie'], undefined);
    }
    // A value is data: it is percent-encoded, never refused.
    await server
      .request('GET', '/value', { query: { value: 'a;b\r\nc\u00e9' } })
      .expectStatus(200)
      .expectHeader('set-cookie', 'sid=a%3Bb%0D%0Ac%C3%A9; Path=/');
  });

  test('a handler that throws is a 500 with a generic body; the stack goes to the log; the server keeps serving', async () => {
    await using server = await TestServer.start(router, { logs: true });
    const res = await server
      .request('GET', '/throw')
      .expectStatus(500)
      .expectJson({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    assert.doesNotMatch(res.text, /secret/);
    await server.request('GET', '/reject').expectStatus(500);
    const logged = await server.expectLog((e) => e['level'] === 50 && JSON.stringify(e).includes('secret database password'));
    assert.match(JSON.stringify(logged), /stack/);
    await server.request('GET', '/text').expectStatus(200);
  });

  test('KindlingErrors keep their status, code, message and details', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/forbidden')
      .expectStatus(403)
      .expectJson({ error: { code: 'FORBIDDEN', message: 'Not your room' } });
    await server
      .request('GET', '/conflict')
      .expectStatus(409)
      .expectJson({ error: { code: 'CONFLICT', message: 'Taken', details: { name: 'lobby' } } });
  });

  test('one http.request log line per request with method, route, status, duration and request id', async () => {
    await using server = await TestServer.start(router, { logs: true });
    await server.request('GET', '/json', { headers: { 'x-request-id': 'abc-1' } }).expectStatus(200);
    const line = await server.expectLog({ msg: 'http.request', requestId: 'abc-1' });
    assert.equal(line['method'], 'GET');
    assert.equal(line['route'], '/json');
    assert.equal(line['status'], 200);
    assert.equal(typeof line['durationMs'], 'number');
  });

  test('request headers over 16 KiB are a 431', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/text', { headers: { 'x-big': 'a'.repeat(17 * 1024) } })
      .expectStatus(431)
      .expectJson({ error: { code: 'HEADERS_TOO_LARGE' } });
    await server.request('GET', '/text').expectStatus(200);
  });
});

describe('middleware', () => {
  const timing: Middleware = async (_ctx, next) => {
    const res = await next();
    return res.header('x-mw', 'seen');
  };
  const guard: Middleware = (ctx, next) => {
    if (ctx.header('x-key') === 'deny') return Response.forbidden('Denied by middleware');
    if (ctx.header('x-key') === 'throw') throw new Forbidden('Thrown by middleware');
    ctx.locals['user'] = 'ada';
    return next();
  };
  const mw = new Router().use(timing, guard).get('/who', [], () => 'ok');

  test('wraps the handler and can change the response', async () => {
    await using server = await TestServer.start(mw);
    await server.request('GET', '/who').expectStatus(200).expectHeader('x-mw', 'seen').expectText('ok');
  });

  test('short-circuits with a Response or an KindlingError', async () => {
    await using server = await TestServer.start(mw);
    await server
      .request('GET', '/who', { headers: { 'x-key': 'deny' } })
      .expectStatus(403)
      .expectJson({ error: { message: 'Denied by middleware' } });
    await server
      .request('GET', '/who', { headers: { 'x-key': 'throw' } })
      .expectStatus(403)
      .expectJson({ error: { message: 'Thrown by middleware' } });
  });

  test('root middleware also runs for unmatched paths', async () => {
    await using server = await TestServer.start(mw);
    await server.request('GET', '/missing').expectStatus(404).expectHeader('x-mw', 'seen');
  });
});
