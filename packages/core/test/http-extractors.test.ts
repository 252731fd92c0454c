import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import {
  Cookie,
  Cookies,
  createExtractor,
  Extension,
  Header,
  Headers,
  Param,
  Path,
  Query,
  RemoteAddress,
  RequestId,
  Router,
  State,
  Unauthorized,
} from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

class Page {
  @IsInt() @Min(1) page!: number;
  @IsOptional() @IsBoolean() full?: boolean;
  @IsOptional() @IsString({ each: true }) tag?: string[];
}

class UserParams {
  @IsInt() @Max(1000) id!: number;
}

class Counter {
  hits = 0;
}
class Database {
  name = 'main';
}

const bearer = createExtractor('Bearer', async (ctx) => {
  await new Promise((resolve) => setImmediate(resolve));
  const auth = ctx.header('authorization');
  if (auth !== 'Bearer good') throw new Unauthorized('Bad token');
  return { user: 'ada' };
});

const router = new Router()
  .state(new Counter())
  .extension(new Database())
  .get('/page', [Query(Page)], (q) => ({ page: q.page, full: q.full ?? null, tag: q.tag ?? null, isNumber: typeof q.page === 'number' }))
  .get('/raw', [Query()], (q) => q)
  .get('/users/{id}', [Path(UserParams)], (p) => ({ id: p.id, type: typeof p.id }))
  .get('/rooms/{room_id}/{*rest}', [Path(), Param('rest')], (p, rest) => ({ room: p.room_id, rest }))
  .get('/state', [State<Counter>(), Extension(Database)], (s, db) => ({ hits: ++s.hits, db: db.name }))
  .get('/headers', [Headers(), Header('x-needed'), Header('x-maybe', { optional: true })], (h, needed, maybe) => ({
    ua: h['x-ua'] ?? null,
    needed,
    maybe: maybe ?? null,
  }))
  .get('/cookies', [Cookies(), Cookie('session')], (all, session) => ({ all, session }))
  .get('/who', [RequestId(), RemoteAddress()], (id, ip) => ({ id, ip }))
  .get('/me', [bearer], (me) => me);

describe('HTTP extractors', () => {
  test('Query(Dto) converts strings to declared types', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/page', { query: { page: '3', full: 'true', tag: ['a', 'b'] } })
      .expectStatus(200)
      .expectJson({ page: 3, full: true, tag: ['a', 'b'], isNumber: true });
  });

  test('Query(Dto) failure is a 400 listing the property and its constraints', async () => {
    await using server = await TestServer.start(router);
    const res = await server.request('GET', '/page', { query: { page: 'zero' } }).expectStatus(400);
    const body = res.json() as { error: { code: string; details: Array<{ property: string; constraints: Record<string, string> }> } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    const page = body.error.details.find((d) => d.property === 'page');
    assert.ok(page?.constraints['isInt'], JSON.stringify(body));
  });

  test('a repeated query key into a scalar DTO field is a 400, never a silent pick', async () => {
    await using server = await TestServer.start(router);
    const res = await server.request('GET', '/page?page=1&page=2').expectStatus(400);
    assert.match(res.text, /page/);
    assert.match(res.text, /single value/);
  });

  test('a malformed escape in the query string is a 400', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/raw?x=%E0%A4%A')
      .expectStatus(400)
      .expectJson({ error: { code: 'MALFORMED_URI' } });
  });

  test('Query() without a DTO keeps repeated keys as arrays', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/raw?a=1&a=2&b=x+y')
      .expectStatus(200)
      .expectJson({ a: ['1', '2'], b: 'x y' });
  });

  test('Path(Dto) converts and validates; Path() and Param() read the path', async () => {
    await using server = await TestServer.start(router);
    await server.request('GET', '/users/12').expectStatus(200).expectJson({ id: 12, type: 'number' });
    await server
      .request('GET', '/users/5000')
      .expectStatus(400)
      .expectJson({ error: { code: 'VALIDATION_FAILED' } });
    await server.request('GET', '/rooms/r%201/a/b').expectStatus(200).expectJson({ room: 'r 1', rest: 'a/b' });
  });

  test('State and Extension reach the handler', async () => {
    await using server = await TestServer.start(router);
    await server.request('GET', '/state').expectJson({ hits: 1, db: 'main' });
    await server.request('GET', '/state').expectJson({ hits: 2, db: 'main' });
  });

  test('Header() is required unless optional; Headers() has them all', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/headers', { headers: { 'x-needed': 'yes', 'x-ua': 'tester' } })
      .expectStatus(200)
      .expectJson({ ua: 'tester', needed: 'yes', maybe: null });
    await server
      .request('GET', '/headers')
      .expectStatus(400)
      .expectJson({ error: { code: 'MISSING_HEADER', details: { header: 'x-needed' } } });
  });

  test('Cookies() and Cookie()', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/cookies', { cookies: { session: 'abc', theme: 'dark' } })
      .expectStatus(200)
      .expectJson({ all: { session: 'abc', theme: 'dark' }, session: 'abc' });
    await server
      .request('GET', '/cookies')
      .expectStatus(400)
      .expectJson({ error: { code: 'MISSING_COOKIE' } });
  });

  test('RequestId honours a well-formed x-request-id and echoes it; RemoteAddress is the peer', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/who', { headers: { 'x-request-id': 'req-123' } })
      .expectHeader('x-request-id', 'req-123')
      .expectJson({ id: 'req-123', ip: '127.0.0.1' });
    const res = await server.request('GET', '/who', { headers: { 'x-request-id': 'bad id with spaces' } }).expectStatus(200);
    const { id } = res.json() as { id: string };
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers['x-request-id'], id);
  });

  test('an async custom extractor can reject with an KindlingError', async () => {
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/me', { headers: { authorization: 'Bearer good' } })
      .expectStatus(200)
      .expectJson({ user: 'ada' });
    await server
      .request('GET', '/me', { headers: { authorization: 'Bearer bad' } })
      .expectStatus(401)
      .expectJson({ error: { code: 'UNAUTHORIZED', message: 'Bad token' } });
  });

  test('a DTO property typed only by its declaration converts under tsc, which emits design:type', async () => {
    // The same class compiled without metadata is a start-up error (test-nometa).
    class Paging {
      @IsOptional() limit?: number;
    }
    await using server = await TestServer.start(new Router().get('/items', [Query(Paging)], (q) => ({ limit: q.limit, type: typeof q.limit })));
    await server
      .request('GET', '/items', { query: { limit: '5' } })
      .expectStatus(200)
      .expectJson({ limit: 5, type: 'number' });
  });
});
