import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Extension, Path, Query, Response, Router, State, Unauthorized, createExtractor, type WebSocketConnection } from '@kindling/core';
import { testHandler } from '@kindling/testing';
import { assertFails } from './assert-failure.js';
import { Token, Welcome } from './fixtures.js';

class Clock {
  now(): number {
    return 42;
  }
}

const echo = async (ws: WebSocketConnection) => {
  for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
};

describe('testHandler (in memory)', () => {
  it('runs a bare handler with the same send/expect API', async () => {
    await using ws = await testHandler(echo);
    ws.sendText('hi');
    await ws.expectText('Echo: hi');
    ws.sendBinary(new Uint8Array([1, 2]));
    await ws.expectBinary(new Uint8Array([1, 2]));
    ws.ping('x');
    await ws.expectPong();
    await ws.expectNoMessage(10);
    assert.deepEqual(await ws.close(4001, 'bye'), { code: 4001, reason: 'bye' });
  });

  it('failures name the in-memory handler and the last frames', async () => {
    await using ws = await testHandler(echo);
    ws.sendText('a');
    await assertFails(ws.expectText('Echo: b'), /expectText failed on in-memory handler/, /received: text "Echo: a"/, /→ text "a"/);
  });

  it('runs the real extractors with params, query, headers, cookies, state and extensions', async () => {
    const run = testHandler(
      [Path(), Query(), State<{ n: number }>(), Extension(Clock), createExtractor('Sid', (ctx) => ctx.cookies['sid'])],
      (params, query, state, clock, sid, ws) => {
        ws.sendJson({ params, query, n: state.n, now: clock.now(), sid, header: ws.remoteAddress });
      },
      { params: { room: 'lobby' }, query: { name: 'ann' }, state: { n: 7 }, extensions: [new Clock()], cookies: { sid: 's-1' } },
    );
    const ws = await run;
    await ws.expectJson({ params: { room: 'lobby' }, query: { name: 'ann' }, n: 7, now: 42, sid: 's-1', header: '127.0.0.1' }, { exact: true });
    await ws.expectClosed(1000);
    await run.finished;
    assert.equal(run.connection?.closeInfo?.initiatedBy, 'server');
  });

  it('an extractor that throws rejects before the upgrade', async () => {
    const rejection = await testHandler([Token], (_token, ws) => ws.sendText('never')).expectRejected(401, { error: { code: 'UNAUTHORIZED' } });
    assert.equal(rejection.json<{ error: { message: string } }>().error.message, 'bad token');
    await assertFails(
      testHandler([Token], (_token, ws) => ws.sendText('never')),
      /upgrade failed on in-memory handler/,
      /received: 401/,
    );
    await assertFails(testHandler([Token], (_t, ws) => ws.sendText('x'), { query: { token: 'secret' } }).expectRejected(401), /101 Switching Protocols/);
  });

  it('an unexpected extractor error is a 500 without its message', async () => {
    const Broken = createExtractor('Broken', () => {
      throw new Error('database password is hunter2');
    });
    const rejection = await testHandler([Broken], () => undefined, { logs: true }).expectRejected(500, { error: { code: 'INTERNAL' } });
    assert.doesNotMatch(rejection.body, /hunter2/);
  });

  it('a thrown error after the upgrade closes with its code', async () => {
    await using ws = await testHandler(() => {
      throw new Unauthorized('token expired');
    });
    await ws.expectClosed(4401, 'token expired');
  });

  it('runs a router route with its middleware, state and options', async () => {
    const router = new Router()
      .state({ greeting: 'hello' })
      .use((ctx, next) => (ctx.header('x-key') === 'k' ? next() : Response.forbidden('no key')))
      .nest(
        '/chat',
        new Router().websocket(
          '/{room}',
          [Path(), State<{ greeting: string }>()],
          async (p, s, ws) => {
            ws.sendText(`${s.greeting} ${p.room} via ${ws.protocol || 'none'}`);
            for await (const msg of ws) void msg;
          },
          { protocols: ['v1'] },
        ),
      );
    await testHandler(router, '/chat/{room}', { params: { room: 'x' } }).expectRejected(403, 'no key');
    const run = testHandler(router, '/chat/{room}', { params: { room: 'a b' }, headers: { 'x-key': 'k' }, protocols: 'v1', logs: true });
    await using ws = await run;
    assert.equal(ws.protocol, 'v1');
    await ws.expectText('hello a b via v1');
    await run.expectLog({ msg: 'ws.open', route: '/chat/{room}' });
    assert.throws(() => testHandler(router, '/chat/:room'), /no WebSocket route '\/chat\/:room' \(its routes: \/chat\/\{room\}\)/);
  });

  it("applies the route's origins allowlist as the server does", async () => {
    const router = new Router().websocket('/feed', (ws) => void ws.sendText('in'), { origins: ['http://app.test'] });
    await testHandler(router, '/feed', { origin: 'http://evil.test' }).expectRejected(403, { error: { code: 'ORIGIN_NOT_ALLOWED' } });
    await using ws = await testHandler(router, '/feed', { origin: 'http://app.test' });
    await ws.expectText('in');
  });

  it('validates JSON messages with a DTO in memory too', async () => {
    await using ws = await testHandler((conn) => {
      conn.sendJson({ type: 'welcome', version: 0 });
      conn.keepOpen();
    });
    await assertFails(ws.expectJson(Welcome), /failed validation/, /min/i);
  });

  it('queues messages sent before the handler reads them, and closes like the server', async () => {
    const run = testHandler(async (conn) => {
      const first = await conn.recv();
      const second = await conn.recv();
      conn.sendJson([first?.type, second?.type]);
      await conn.close(4000, 'enough');
    });
    const ws = await run;
    ws.sendText('a');
    ws.sendBinary(new Uint8Array([1]));
    await ws.expectJson(['text', 'binary'], { exact: true });
    await ws.expectClosed(4000, 'enough');
    await run.finished;
    assert.deepEqual(run.connection?.closeInfo, { code: 4000, reason: 'enough', wasClean: true, initiatedBy: 'server' });
  });

  it('types the handler from the extractors, as router.websocket does', () => {
    const typed = () => testHandler([Query(), Path()], (query, params, ws) => ws.sendText(`${String(query['a'])} ${params['room'] ?? ''}`));
    // @ts-expect-error the query record is not a number
    const wrong = () => testHandler([Query()], (query: number, ws: WebSocketConnection) => ws.sendText(String(query)));
    assert.equal(typeof typed, 'function');
    assert.equal(typeof wrong, 'function');
  });

  it('the test closing ends the handler loop', async () => {
    const run = testHandler(echo);
    const ws = await run;
    await ws.close(1000);
    await run.finished;
    assert.equal(run.connection?.closeInfo?.initiatedBy, 'client');
  });
});
