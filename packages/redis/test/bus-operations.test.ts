import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Path, Router, type WebSocketConnection } from '@kindling/core';
import { redisBus } from '@kindling/redis';
import { TestServer } from '@kindling/testing';
import { promtoolCheck } from './promtool.js';
import { RedisServer, redisMissing } from './redis-server.js';

const skip = redisMissing();

/** `/t/{topic}` subscribes on open, says `ready` and stays open. */
const router = () =>
  new Router().websocket('/t/{topic}', [Path()], (path, ws: WebSocketConnection) => {
    ws.subscribe(path.topic);
    ws.sendText('ready');
    ws.keepOpen();
  });

/** An app on `redis` with metrics and readiness, reconnecting within 50-400 ms. */
function node(redis: RedisServer): App {
  return new App(router(), {
    logger: false,
    metrics: { defaultMetrics: false },
    health: true,
    bus: redisBus({ url: redis.url }, { heartbeatMs: 200, ttlMs: 1000, reconnect: { minDelayMs: 50, maxDelayMs: 400 } }),
  });
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** One sample's value, e.g. `sample(text, 'kindling_bus_up{bus="redis"}')`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The redis bus's series in a scrape, in the shape of `app.metrics().bus` (without kind; up as 1/0). */
function busSeries(text: string) {
  const at = (name: string) => sample(text, `kindling_${name}{bus="redis"}`);
  return {
    up: at('bus_up'),
    published: at('bus_publishes_total'),
    failed: at('bus_publish_failures_total'),
    possiblyLost: at('bus_possibly_lost_total'),
    received: at('bus_received_total'),
    topics: at('bus_topics'),
  };
}

interface Readiness {
  readonly status: number;
  readonly body: { readonly status: string; readonly failing: string[]; readonly checks: Record<string, { ok: boolean; detail?: string }> };
}

async function readiness(port: number): Promise<Readiness> {
  const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
  return { status: res.status, body: (await res.json()) as Readiness['body'] };
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('redisBus in /metrics and /health/ready', { skip, timeout: 120_000 }, () => {
  it('counts what crossed Redis, labelled bus="redis", the same numbers as app.metrics().bus, and passes promtool', async (t) => {
    await using redis = await RedisServer.start();
    await using a = await TestServer.start(node(redis));
    await using b = await TestServer.start(node(redis));
    const onA = await a.ws('/t/room');
    await onA.expectText('ready');
    const onB = await b.ws('/t/room');
    await onB.expectText('ready');
    await a.app.bus.ready;
    await b.app.bus.ready;

    for (let i = 0; i < 5; i++) a.app.publish('room', `a${i}`);
    for (let i = 0; i < 3; i++) b.app.publish('room', `b${i}`);
    // app.publish reaches the app's own subscribers at once, the other app's through Redis.
    for (const text of ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2']) await onA.expectText(text);
    for (const text of ['b0', 'b1', 'b2', 'a0', 'a1', 'a2', 'a3', 'a4']) await onB.expectText(text);

    const text = await scrape(a.port);
    assert.deepEqual(busSeries(text), { up: 1, published: 5, failed: 0, possiblyLost: 0, received: 3, topics: 1 });
    const { kind, ...counts } = a.app.metrics().bus;
    assert.equal(kind, 'redis');
    assert.deepEqual(busSeries(text), { ...counts, up: counts.up ? 1 : 0 }, 'the scrape and app.metrics().bus agree');
    assert.deepEqual((await readiness(a.port)).body.checks['bus'], { ok: true });

    const complaints = promtoolCheck(text);
    if (complaints === undefined) return t.skip('promtool is not installed');
    assert.equal(complaints, '', `promtool: ${complaints}`);
  });

  it('redis-server killed while publishing: failures counted, up 0 and readiness 503 naming bus; restarted: up 1 and ready again once re-subscribed', async (t) => {
    await using redis = await RedisServer.start();
    await using a = await TestServer.start(node(redis));
    await using b = await TestServer.start(node(redis));
    const local = await a.ws('/t/stream');
    await local.expectText('ready');
    const remote = await b.ws('/t/stream');
    await remote.expectText('ready');
    await a.app.bus.ready;
    await b.app.bus.ready;
    assert.equal((await readiness(a.port)).status, 200);

    // A steady stream of publishes from A, one every 2 ms, across the kill and the restart.
    let sent = 0;
    let stop = false;
    const stream = (async () => {
      while (!stop) {
        a.app.publish('stream', String(sent++));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      await remote.nextMessage();
      await redis.kill();

      await waitUntil(async () => {
        const s = busSeries(await scrape(a.port));
        return s.up === 0 && (s.failed ?? 0) > 0;
      }, 'a scrape shows the bus down and publishes failing');
      const down = busSeries(await scrape(a.port));
      assert.equal(down.up, 0);
      assert.ok((down.failed ?? 0) > 0, `failed ${down.failed}`);
      const notReady = await readiness(a.port);
      assert.equal(notReady.status, 503);
      assert.equal(notReady.body.status, 'unavailable');
      assert.deepEqual(notReady.body.failing, ['bus']);
      assert.match(notReady.body.checks['bus']?.detail ?? '', /redis bus is down/);
      assert.deepEqual(notReady.body.checks['listening'], { ok: true }, 'only the bus fails');

      // Publishes keep failing (and being counted) while Redis is away.
      const failedBefore = down.failed ?? 0;
      await waitUntil(async () => (busSeries(await scrape(a.port)).failed ?? 0) > failedBefore, 'the failed counter grows');

      await redis.restart();
      await waitUntil(async () => busSeries(await scrape(a.port)).up === 1, 'a scrape shows the bus up again');
      await a.app.bus.ready;
      const ready = await readiness(a.port);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks['bus'], { ok: true });
      const back = busSeries(await scrape(a.port));
      assert.equal(back.topics, 1, 'the topic is subscribed again');
      await b.app.bus.ready;
      await waitUntil(async () => (busSeries(await scrape(a.port)).published ?? 0) > (back.published ?? 0), 'publishes are carried again');
    } finally {
      stop = true;
      await stream;
    }

    // Once the last publishes are answered, the counts add up and agree with app.metrics().bus.
    await waitUntil(async () => {
      const { published, failed } = a.app.metrics().bus;
      return published + failed === sent;
    }, `every one of the ${sent} publishes is counted as carried or failed`);
    const final = await scrape(a.port);
    const { kind: _, ...counts } = a.app.metrics().bus;
    assert.deepEqual(busSeries(final), { ...counts, up: counts.up ? 1 : 0 }, 'the scrape and app.metrics().bus agree');
    assert.equal(counts.published + counts.failed, sent, 'every publish was carried or counted as failed');
    t.diagnostic(`sent ${sent}, published ${counts.published}, failed ${counts.failed}, possibly lost ${counts.possiblyLost}`);
  });
});
