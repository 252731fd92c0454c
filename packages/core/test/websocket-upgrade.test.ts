import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsInt, IsString, Min } from 'class-validator';
import WebSocket from 'ws';
import { createExtractor, Path, Protocol, Query, Router, Unauthorized } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';
import { rawExchange, upgradeRequest } from './raw-http.js';

failOnEscapedErrors();

class WsQuery {
  @IsString() token!: string;
  @IsInt() @Min(0) since!: number;
}

function build() {
  const handlerRuns = { n: 0 };
  let releaseSlow!: () => void;
  const slowStarted = new Promise<void>((resolve) => (releaseSlow = resolve));
  let finishSlow!: () => void;
  const slowGate = new Promise<void>((resolve) => (finishSlow = resolve));
  const SlowCheck = createExtractor('SlowCheck', async () => {
    releaseSlow();
    await slowGate;
    return 'checked';
  });
  const Token = createExtractor('Token', (ctx) => {
    if (ctx.query['token'] !== 'good') throw new Unauthorized('Bad token');
    return 'ok';
  });
  const router = new Router()
    .get('/plain', () => 'plain')
    .websocket('/ws/room/{room_id}', [Path(), Query(WsQuery)], async (path, query, ws) => {
      handlerRuns.n++;
      ws.sendJson({ room: path.room_id, since: query.since, sinceType: typeof query.since });
      await ws.recv();
    })
    .websocket('/auth', [Token], async (_t, ws) => {
      handlerRuns.n++;
      ws.sendText('in');
      await ws.recv();
    })
    .websocket('/slow', [SlowCheck], async (_s, ws) => {
      handlerRuns.n++;
      ws.sendText('slow in');
    })
    .websocket('/origin', (ws) => ws.sendText('welcome'), { origins: ['https://good.example'] })
    .websocket('/proto', [Protocol()], (p, ws) => ws.sendText(`protocol=${p}`), { protocols: ['v2', 'v1'] })
    .websocket('/deflate', (ws) => ws.sendText('x'.repeat(2000)), { compression: true })
    .websocket('/plainframes', (ws) => ws.sendText('y'));
  return { router, handlerRuns, slowStarted, finishSlow };
}

describe('WebSocket upgrades: extractors before the 101', () => {
  test('path params from {room_id} and a converted query DTO reach the handler', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const ws = await server.ws('/ws/room/lobby-1', { query: { token: 't', since: '42' } });
    await ws.expectJson({ room: 'lobby-1', since: 42, sinceType: 'number' });
  });

  test('a bad query for a DTO is a 400 with details and no 101; the handler never runs', async () => {
    const { router, handlerRuns } = build();
    await using server = await TestServer.start(router, { logs: true });
    const rejected = await server.ws('/ws/room/x', { query: { token: 't', since: '-5' } }).expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
    assert.match(JSON.stringify(rejected.body), /since/);
    assert.equal(handlerRuns.n, 0);
    const line = await server.expectLog({ msg: 'ws.reject', status: 400 });
    assert.equal(line['route'], '/ws/room/{room_id}');
    assert.equal(line['code'], 'VALIDATION_FAILED');
  });

  test('a custom extractor rejects with its KindlingError status', async () => {
    const { router, handlerRuns } = build();
    await using server = await TestServer.start(router);
    await server.ws('/auth', { query: { token: 'bad' } }).expectRejected(401, { error: { code: 'UNAUTHORIZED', message: 'Bad token' } });
    const ok = await server.ws('/auth', { query: { token: 'good' } });
    await ok.expectText('in');
    assert.equal(handlerRuns.n, 1);
  });

  test('an unknown route is a 404 with a JSON body, no 101', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    await server.ws('/nowhere').expectRejected(404, { error: { code: 'NOT_FOUND' } });
  });

  test('upgrade headers over maxHeaderBytes are a 431 with a JSON body, no 101; smaller ones upgrade', async () => {
    const { router, handlerRuns } = build();
    await using server = await TestServer.start(router, { logs: true, app: { maxHeaderBytes: 4096 } });
    const headers = { 'x-big': 'a'.repeat(5000) };
    await server.ws('/auth', { query: { token: 'good' }, headers }).expectRejected(431, {
      error: { code: 'HEADERS_TOO_LARGE', details: { limit: 4096 } },
    });
    assert.equal(handlerRuns.n, 0);
    const line = await server.expectLog({ msg: 'ws.reject', status: 431 });
    assert.equal(line['code'], 'HEADERS_TOO_LARGE');
    const ok = await server.ws('/auth', { query: { token: 'good' }, headers: { 'x-big': 'a'.repeat(3000) } });
    await ok.expectText('in');
  });

  test('an Origin outside the allowlist is a 403; an allowed one upgrades', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    await server.ws('/origin', { origin: 'https://evil.example' }).expectRejected(403, { error: { code: 'ORIGIN_NOT_ALLOWED' } });
    const ok = await server.ws('/origin', { origin: 'https://good.example' });
    await ok.expectText('welcome');
  });

  test("the subprotocol is the server's first preference that the client offered", async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const both = await server.ws('/proto', { protocols: ['v1', 'v2'] });
    assert.equal(both.protocol, 'v2');
    await both.expectText('protocol=v2');
    const one = await server.ws('/proto', { protocols: ['v1'] });
    await one.expectText('protocol=v1');
  });

  test('wrong method, missing key and version 8 are refused without a 101', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const post = await rawExchange(server.port, (s) => s.write(upgradeRequest('/auth?token=good', {}, 'POST')));
    assert.match(post, /^HTTP\/1\.1 405/);
    assert.match(post, /allow: GET/i);
    const noKey = await rawExchange(server.port, (s) => s.write(upgradeRequest('/auth?token=good', { 'sec-websocket-key': null })));
    assert.match(noKey, /^HTTP\/1\.1 400/);
    assert.match(noKey, /INVALID_HANDSHAKE/);
    const v8 = await rawExchange(server.port, (s) => s.write(upgradeRequest('/auth?token=good', { 'sec-websocket-version': '8' })));
    assert.match(v8, /^HTTP\/1\.1 426/);
    assert.match(v8, /sec-websocket-version: 13/i);
    const good = await rawExchange(server.port, (s) => s.write(upgradeRequest('/auth?token=good')));
    assert.match(good, /^HTTP\/1\.1 101/);
  });

  test('a client that disconnects while an async extractor is pending: the handler never runs, nothing crashes', async () => {
    const { router, handlerRuns, slowStarted, finishSlow } = build();
    await using server = await TestServer.start(router, { logs: { level: 'debug' } });
    const gone = rawExchange(server.port, (s) => {
      s.write(upgradeRequest('/slow'));
      void slowStarted.then(() => s.destroy());
    });
    await gone;
    // Let the server's event loop read the FIN before the extractor finishes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    finishSlow();
    await server.expectLog({ msg: 'ws.upgrade_aborted', route: '/slow' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(handlerRuns.n, 0);
    const next = await server.ws('/slow');
    await next.expectText('slow in');
  });

  test('permessage-deflate is negotiated only on routes with compression on', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const extensionsOf = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(`${server.wsUrl}${path}`, { perMessageDeflate: true });
        ws.on('message', (data) => {
          resolve(`${ws.extensions}|${String(data).length}`);
          ws.close();
        });
        ws.on('error', reject);
      });
    assert.match(await extensionsOf('/deflate'), /^permessage-deflate.*\|2000$/);
    assert.equal(await extensionsOf('/plainframes'), '|1');
  });
});
