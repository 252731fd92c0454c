import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { assertFails } from './assert-failure.js';
import { testRouter } from './fixtures.js';

describe('TestServer', () => {
  it('serves a router on 127.0.0.1 on a free port', async () => {
    await using server = await TestServer.start(testRouter());
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.wsUrl, server.url.replace('http', 'ws'));
    assert.ok(server.port > 0);
    assert.ok(server.app.engine === 'uws' || server.app.engine === 'node');
  });

  it('serves an App as given', async () => {
    const app = new App(testRouter(), { logger: false });
    await using server = await TestServer.start(app);
    assert.equal(server.app, app);
    await server.request('GET', '/health').expectStatus(200);
  });

  it('refuses options that cannot apply to an App', async () => {
    await assert.rejects(TestServer.start(new App(testRouter(), { logger: false }), { logs: true }), /`logs` needs a Router/);
    await assert.rejects(TestServer.start(testRouter(), { logs: true, app: { logger: false } }), /either `logs` or `app.logger`/);
  });

  it('close() closes every client it opened, then the app; a second close is the same', async () => {
    const server = await TestServer.start(testRouter());
    const a = await server.ws('/silent');
    const b = await server.ws('/echo');
    const pending = server.ws('/silent');
    await server.close();
    assert.equal(a.isOpen, false);
    assert.equal(b.isOpen, false);
    assert.equal(a.closeInfo?.code, 1000);
    await pending.then(
      (ws) => assert.equal(ws.isOpen, false),
      () => undefined,
    );
    assert.equal(server.app.connections.size, 0);
    await server.close();
    assert.throws(() => server.ws('/echo'), /The test server is closed/);
    await assert.rejects(server.request('GET', '/health').then(), /The test server is closed/);
  });

  it('captures the log with { logs: true }', async () => {
    await using server = await TestServer.start(testRouter(), { logs: true });
    await server.ws('/auth').expectRejected(401);
    const entry = await server.expectLog({ msg: 'ws.reject', status: 401, code: 'UNAUTHORIZED' });
    assert.equal(entry['route'], '/auth');
    const ws = await server.ws('/closes');
    ws.sendText('bye');
    await ws.expectClosed(1000);
    await server.expectLog((e) => e.msg === 'ws.close' && e['code'] === 1000);
    assert.ok(server.logs.find((e) => e.msg === 'ws.open'));
  });

  it('expectLog fails after its timeout, listing the last entries', async () => {
    await using server = await TestServer.start(testRouter(), { logs: true });
    await assertFails(server.expectLog({ msg: 'never' }, { timeoutMs: 30 }), /expectLog failed/, /none within 30 ms/, /app\.listen/);
  });

  it('logs are not captured unless asked for', async () => {
    await using server = await TestServer.start(testRouter());
    assert.throws(() => server.logs, /Logs are not captured/);
    assert.throws(() => server.expectLog({ msg: 'x' }), /Logs are not captured/);
  });

  it('rejects a timeout that cannot work', async () => {
    await assert.rejects(TestServer.start(testRouter(), { timeoutMs: -1 }), /timeoutMs must be/);
  });
});
