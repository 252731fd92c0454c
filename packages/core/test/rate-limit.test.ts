import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Query, Router, Unauthorized, createExtractor, messageHandler, type RateLimitOptions } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), `timed out waiting until ${what}`);
}

/** An echo route with a rate limit that does not refill during a test. */
function echoRouter(rateLimit: Omit<RateLimitOptions, 'messages' | 'perMs'>): { router: Router; handled: string[] } {
  const handled: string[] = [];
  const router = new Router().websocket(
    '/chat',
    messageHandler((ws, msg) => {
      const text = msg.type === 'text' ? msg.text : '';
      handled.push(text);
      return text;
    }),
    { rateLimit: { messages: 5, perMs: 3_600_000, ...rateLimit } },
  );
  return { router, handled };
}

describe('per-connection rate limit: a flood under each policy', { timeout: 20_000 }, () => {
  it("'close' (the default): the burst passes, `grace` more are dropped, then 1008 'rate limit exceeded'", async () => {
    const { router, handled } = echoRouter({});
    await using server = await TestServer.start(router, { logs: true });
    await using ws = await server.ws('/chat');
    for (let i = 0; i < 30; i++) ws.sendText(String(i));
    for (let i = 0; i < 5; i++) await ws.expectText(String(i));
    await ws.expectClosed(1008, 'rate limit exceeded');
    assert.deepEqual(handled, ['0', '1', '2', '3', '4']);
    await server.expectLog({ msg: 'ws.rate_limited', policy: 'close', action: 'drop', messages: 5, burst: 5 });
    await server.expectLog({ msg: 'ws.rate_limited', policy: 'close', action: 'close', dropped: 6 });
    const close = await server.expectLog({ msg: 'ws.close', code: 1008, reason: 'rate limit exceeded' });
    assert.ok(Number(close['messagesRateLimited']) >= 6);
  });

  it("'drop': only the burst is handled, the rest is counted and logged, the connection stays open", async () => {
    const { router, handled } = echoRouter({ policy: 'drop' });
    await using server = await TestServer.start(router, { logs: true });
    const ws = await server.ws('/chat');
    for (let i = 0; i < 30; i++) ws.sendText(String(i));
    for (let i = 0; i < 5; i++) await ws.expectText(String(i));
    await ws.expectNoMessage(100);
    assert.equal(ws.isOpen, true);
    await server.expectLog({ msg: 'ws.rate_limited', policy: 'drop', action: 'drop' });
    await ws.close();
    await server.expectLog({ msg: 'ws.close', messagesIn: 30, messagesRateLimited: 25, messagesDropped: 25 });
    assert.equal(handled.length, 5);
  });

  it("'notify': the first dropped message of a run is answered with a RATE_LIMITED envelope", async () => {
    const { router } = echoRouter({ policy: 'notify' });
    await using server = await TestServer.start(router, { logs: true });
    await using ws = await server.ws('/chat');
    for (let i = 0; i < 30; i++) ws.sendText(String(i));
    for (let i = 0; i < 5; i++) await ws.expectText(String(i));
    const envelope = await ws.expectJson<{ error: { details: { retryAfterMs: number } } }>({
      error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded' },
    });
    assert.ok(envelope.error.details.retryAfterMs > 0);
    await ws.expectNoMessage(100);
    assert.equal(ws.isOpen, true);
    await server.expectLog({ msg: 'ws.rate_limited', policy: 'notify', action: 'notify' });
  });

  it('comes from the app-wide defaults; a route can turn it off', async () => {
    const router = new Router()
      .websocket(
        '/limited',
        messageHandler(() => 'ok'),
      )
      .websocket(
        '/free',
        messageHandler(() => 'ok'),
        { rateLimit: false },
      );
    await using server = await TestServer.start(router, { app: { websocket: { rateLimit: { messages: 2, perMs: 3_600_000, grace: 0 } } } });
    await using limited = await server.ws('/limited');
    await using free = await server.ws('/free');
    for (let i = 0; i < 3; i++) limited.sendText('x');
    for (let i = 0; i < 10; i++) free.sendText('x');
    await limited.expectText('ok');
    await limited.expectText('ok');
    await limited.expectClosed(1008, 'rate limit exceeded');
    for (let i = 0; i < 10; i++) await free.expectText('ok');
  });

  it('rejects invalid settings when the app is built', () => {
    const router = new Router().websocket('/ws', () => undefined, { rateLimit: { messages: 0, perMs: 1000 } });
    assert.throws(() => new App(router, { logger: false }), /route \/ws \(websocket\('\/ws'\)\): rateLimit\.messages/);
  });
});

describe('per-address upgrade limits', { timeout: 20_000 }, () => {
  it('connectionsPerIp: one more upgrade is answered 429 with Retry-After before the upgrade; a closed connection frees its slot', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { connectionsPerIp: 2 });
    await using server = await TestServer.start(router, { logs: true });
    const first = await server.ws('/live');
    await using second = await server.ws('/live');
    const refused = await server.ws('/live').expectRejected(429, {
      error: { code: 'RATE_LIMITED', message: 'Too many connections from this address', details: { limit: 'connectionsPerIp', max: 2 } },
    });
    assert.equal(refused.headers['retry-after'], '5');
    await server.expectLog({ msg: 'ws.reject', status: 429, code: 'RATE_LIMITED', route: '/live' });
    await first.close();
    await waitFor(() => server.app.connections.size === 1, 'the server saw the close');
    await using third = await server.ws('/live');
    assert.equal(third.isOpen, true);
  });

  it('a refused upgrade gives its slot back (no leak when extractors reject)', async () => {
    const Token = createExtractor('Token', (ctx) => {
      if (ctx.query['token'] !== 'good') throw new Unauthorized();
      return 'user';
    });
    const router = new Router().websocket('/live', [Token, Query()], (user, q, ws) => ws.keepOpen(), { connectionsPerIp: 1 });
    await using server = await TestServer.start(router);
    for (let i = 0; i < 5; i++) await server.ws('/live', { query: { token: 'bad' } }).expectRejected(401);
    await using ok = await server.ws('/live', { query: { token: 'good' } });
    await server.ws('/live', { query: { token: 'good' } }).expectRejected(429);
    assert.equal(ok.isOpen, true);
  });

  it('set app-wide it counts every route that inherits it; set on a route it counts that route alone', async () => {
    const router = new Router()
      .websocket('/a', (ws) => ws.keepOpen())
      .websocket('/b', (ws) => ws.keepOpen())
      .websocket('/own', (ws) => ws.keepOpen(), { connectionsPerIp: 1 });
    await using server = await TestServer.start(router, { app: { websocket: { connectionsPerIp: 2 } } });
    await using a = await server.ws('/a');
    await using b = await server.ws('/b');
    await server.ws('/a').expectRejected(429);
    await server.ws('/b').expectRejected(429);
    await using own = await server.ws('/own');
    await server.ws('/own').expectRejected(429);
    assert.deepEqual([a.isOpen, b.isOpen, own.isOpen], [true, true, true]);
  });

  it('upgradesPerMinute: past it, 429 with a Retry-After in seconds', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { upgradesPerMinute: 3 });
    await using server = await TestServer.start(router);
    for (let i = 0; i < 3; i++) {
      const ws = await server.ws('/live');
      await ws.close();
    }
    const refused = await server.ws('/live').expectRejected(429, { error: { code: 'RATE_LIMITED', details: { limit: 'upgradesPerMinute', max: 3 } } });
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 20, `Retry-After ${retryAfter} is when the next token arrives (one per 20 s)`);
  });

  it('rejects a limit that is not a positive integer at registration', () => {
    assert.throws(() => new Router().websocket('/ws', () => undefined, { connectionsPerIp: 0 }), /connectionsPerIp must be a positive integer/);
    assert.throws(
      () =>
        new App(
          new Router().websocket('/ws', () => undefined),
          { logger: false, websocket: { upgradesPerMinute: 1.5 } },
        ),
      /upgradesPerMinute/,
    );
  });
});
