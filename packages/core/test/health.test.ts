import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { App, Router } from '@kindling/core';
import { canConnect, deferred, failOnEscapedErrors } from './fixtures.js';
import { KeepAliveSocket, sample } from './ops-fixtures.js';

failOnEscapedErrors();

async function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.json() };
}

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function connect(url: string): Promise<{ socket: WebSocket; closed: Promise<number> } | { status: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.on('error', () => undefined);
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    socket.once('open', () => resolve({ socket, closed }));
  });
}

describe('health: liveness and readiness', { timeout: 60_000 }, () => {
  it('live is 200; ready is 200 after a real WebSocket self-probe, whose result is reused for intervalMs', async () => {
    const app = new App(new Router(), { logger: false, metrics: { defaultMetrics: false }, health: { probe: { intervalMs: 60_000 } } });
    const port = await app.listen(0, '127.0.0.1');
    try {
      assert.deepEqual(await getJson(port, '/health/live'), { status: 200, body: { status: 'ok' } });
      const ready = { status: 200, body: { status: 'ready', failing: [], checks: { listening: { ok: true }, draining: { ok: true }, probe: { ok: true } } } };
      assert.deepEqual(await getJson(port, '/health/ready'), ready);
      assert.deepEqual(await getJson(port, '/health/ready'), ready);
      const text = await scrape(port);
      assert.equal(sample(text, 'kindling_ws_upgrades_total{route="/health/probe",status="101"}'), 1, 'two readiness checks, one probe connection');
      assert.equal(sample(text, 'kindling_ws_messages_received_total{route="/health/probe"}'), 1, 'the probe sent one frame');
      assert.equal(sample(text, 'kindling_ws_closes_total{route="/health/probe",code="1000",initiated_by="client"}'), 1, 'and closed with 1000');
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('without probe, readiness is listening and not draining; custom paths', async () => {
    const app = new App(new Router(), { logger: false, health: { livePath: '/livez', readyPath: '/readyz' } });
    const port = await app.listen(0, '127.0.0.1');
    try {
      assert.equal((await getJson(port, '/livez')).status, 200);
      assert.deepEqual(await getJson(port, '/readyz'), {
        status: 200,
        body: { status: 'ready', failing: [], checks: { listening: { ok: true }, draining: { ok: true } } },
      });
      assert.equal((await fetch(`http://127.0.0.1:${port}/health/live`)).status, 404);
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('the probe route has its own rate limits: a flood of frames is closed 1008, upgrades past upgradesPerMinute get 429 and readiness then fails naming the probe', async () => {
    const app = new App(new Router(), { logger: false, health: { probe: { intervalMs: 0, upgradesPerMinute: 3 } } });
    const port = await app.listen(0, '127.0.0.1');
    try {
      assert.equal((await getJson(port, '/health/ready')).status, 200, 'upgrade 1 of 3: the self-probe');
      const flooder = await connect(`ws://127.0.0.1:${port}/health/probe`);
      assert.ok('socket' in flooder, 'upgrade 2 of 3');
      for (let i = 0; i < 100; i++) flooder.socket.send(`frame ${i}`);
      assert.equal(await flooder.closed, 1008, 'frames past the probe route limit close the connection');
      const third = await connect(`ws://127.0.0.1:${port}/health/probe`);
      assert.ok('socket' in third, 'upgrade 3 of 3');
      third.socket.close();
      assert.deepEqual(await connect(`ws://127.0.0.1:${port}/health/probe`), { status: 429 });
      const report = await getJson(port, '/health/ready');
      assert.equal(report.status, 503);
      assert.deepEqual(report.body, {
        status: 'unavailable',
        failing: ['probe'],
        checks: { listening: { ok: true }, draining: { ok: true }, probe: { ok: false, detail: 'upgrade refused with HTTP 429' } },
      });
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('while draining: readiness is 503 naming draining, liveness and a scrape still answer, other routes get 503', async () => {
    const release = deferred();
    const router = new Router()
      .get('/work', () => 'done')
      .websocket('/hold', async (ws) => {
        for await (const _ of ws);
        await release.promise; // cleanup after the close: shutdown waits for it
      });
    const app = new App(router, { logger: false, metrics: { defaultMetrics: false }, health: { probe: true } });
    const port = await app.listen(0, '127.0.0.1');
    const sockets = await Promise.all([1, 2, 3, 4].map(() => KeepAliveSocket.open(port)));
    const [ready, live, metrics, work] = sockets as [KeepAliveSocket, KeepAliveSocket, KeepAliveSocket, KeepAliveSocket];
    try {
      const hold = await connect(`ws://127.0.0.1:${port}/hold`);
      assert.ok('socket' in hold);
      assert.equal((await getJson(port, '/health/ready')).status, 200);
      // Requests under way as shutdown starts (a load balancer's check, a Prometheus scrape).
      const [readyLater, liveLater, metricsLater, workLater] = [
        ready.begin('/health/ready'),
        live.begin('/health/live'),
        metrics.begin('/metrics'),
        work.begin('/work'),
      ];
      const shutdown = app.shutdown({ timeoutMs: 10_000 });
      assert.equal(await hold.closed, 1001);
      assert.equal(await canConnect(port), false, 'the listen socket is closed');
      const notReady = await readyLater();
      assert.equal(notReady.status, 503);
      assert.deepEqual(JSON.parse(notReady.body), {
        status: 'unavailable',
        failing: ['draining', 'probe'],
        checks: {
          listening: { ok: true },
          draining: { ok: false, detail: 'shutdown in progress' },
          probe: { ok: false, detail: 'not run: the app is not serving' },
        },
      });
      assert.equal((await liveLater()).status, 200);
      const scraped = await metricsLater();
      assert.equal(scraped.status, 200, 'a scrape during shutdown is answered');
      assert.equal(sample(scraped.body, 'kindling_ws_closes_total{route="/hold",code="1001",initiated_by="server"}'), 1);
      assert.equal((await workLater()).status, 503);
      release.resolve();
      assert.deepEqual(await shutdown, { closed: 1, forced: 0 });
    } finally {
      release.resolve();
      for (const socket of sockets) socket.close();
      await app.shutdown();
    }
  });

  it('bad options and a clashing path are start-up errors naming them', () => {
    assert.throws(() => new App(new Router(), { logger: false, health: { probe: { intervalMs: -1 } } }), /health\.probe\.intervalMs must be an integer/);
    assert.throws(() => new App(new Router(), { logger: false, health: { readyPath: 'ready' } }), /health\.readyPath must start with '\/'/);
    const router = new Router().get('/health/live', () => 'mine');
    assert.throws(() => new App(router, { logger: false, health: true }), /health\.livePath '\/health\/live'.*get\('\/health\/live'\)/);
    const ws = new Router().websocket('/health/probe', (conn) => conn.close());
    assert.throws(() => new App(ws, { logger: false, health: { probe: true } }), /health\.probe\.path '\/health\/probe'/);
  });
});
