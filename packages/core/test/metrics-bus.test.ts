import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { App, Path, Router, localBus, threadsBus, type BusStats, type WebSocketConnection } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';
import { scrape } from './metrics-fixtures.js';
import { sample, samples, systemBinary } from './ops-fixtures.js';

failOnEscapedErrors();

/** `/t/{topic}` subscribes on open, says `ready`, then `ws.publish`es each text it receives. */
function topicRouter(): Router {
  return new Router().websocket('/t/{topic}', [Path()], async (path, ws: WebSocketConnection) => {
    ws.subscribe(path.topic);
    ws.sendText('ready');
    for await (const msg of ws) ws.publish(path.topic, msg);
  });
}

/** The bus series of a scrape, as `BusStats` (undefined for a series that is absent). */
function busSeries(text: string, kind: string): Record<keyof Omit<BusStats, 'kind'>, number | undefined> {
  const at = (name: string) => sample(text, `kindling_${name}{bus="${kind}"}`);
  const up = at('bus_up');
  return {
    up: up === undefined ? undefined : up === 1 ? 1 : 0,
    published: at('bus_publishes_total'),
    failed: at('bus_publish_failures_total'),
    possiblyLost: at('bus_possibly_lost_total'),
    received: at('bus_received_total'),
    topics: at('bus_topics'),
  };
}

async function readiness(port: number): Promise<{ status: number; body: { failing: string[]; checks: Record<string, { ok: boolean; detail?: string }> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
  return { status: res.status, body: (await res.json()) as { failing: string[]; checks: Record<string, { ok: boolean; detail?: string }> } };
}

describe('metrics and readiness of the topic bus', { timeout: 60_000 }, () => {
  it('a threads bus: /metrics counts what crossed, labelled bus="threads", agrees with app.metrics().bus, passes promtool; readiness has an ok bus check', async (t) => {
    const channel = `test:${randomUUID()}`;
    const options = { logger: false, metrics: { defaultMetrics: false }, health: true } as const;
    await using a = await TestServer.start(new App(topicRouter(), { ...options, bus: threadsBus({ channel }) }));
    await using b = await TestServer.start(new App(topicRouter(), { ...options, bus: threadsBus({ channel }) }));
    const onA = await a.ws('/t/room');
    await onA.expectText('ready');
    const onA2 = await a.ws('/t/other');
    await onA2.expectText('ready');
    const onB = await b.ws('/t/room');
    await onB.expectText('ready');

    for (const text of ['1', '2', '3']) onA.sendText(text);
    for (const text of ['1', '2', '3']) await onB.expectText(text);
    for (const text of ['x', 'y']) onB.sendText(text);
    for (const text of ['x', 'y']) await onA.expectText(text);

    const text = (await scrape(a.port)).text;
    assert.deepEqual(busSeries(text, 'threads'), { up: 1, published: 3, failed: 0, possiblyLost: 0, received: 2, topics: 2 });
    const { kind, ...counts } = a.app.metrics().bus;
    assert.equal(kind, 'threads');
    assert.deepEqual(busSeries(text, 'threads'), { ...counts, up: counts.up ? 1 : 0 }, 'the scrape and app.metrics().bus agree');
    assert.deepEqual(
      samples(text)
        .filter((l) => l.startsWith('kindling_bus_'))
        .map((l) => l.slice(l.indexOf('{'), l.indexOf('}') + 1)),
      Array(6).fill('{bus="threads"}'),
      'six bus series, labelled by the bus kind only (never a topic)',
    );
    assert.deepEqual((await readiness(a.port)).body.checks['bus'], { ok: true });

    const promtool = systemBinary('promtool', 'prometheus');
    if (promtool === undefined) return t.skip('promtool is not installed');
    const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  });

  it('localBus() given explicitly shows bus="local" (up 1); no bus given: no bus series and no bus check', async () => {
    const options = { logger: false, metrics: { defaultMetrics: false }, health: true } as const;
    await using local = await TestServer.start(new App(topicRouter(), { ...options, bus: localBus() }));
    const text = (await scrape(local.port)).text;
    assert.deepEqual(busSeries(text, 'local'), { up: 1, published: 0, failed: 0, possiblyLost: 0, received: 0, topics: 0 });
    const ready = await readiness(local.port);
    assert.equal(ready.status, 200);
    assert.deepEqual(Object.keys(ready.body.checks), ['listening', 'draining', 'bus']);

    await using none = await TestServer.start(new App(topicRouter(), options));
    const bare = (await scrape(none.port)).text;
    assert.ok(samples(bare).length > 0, 'the scrape has the other series');
    assert.deepEqual(
      bare.split('\n').filter((l) => l.includes('kindling_bus_')),
      [],
      'the default bus adds no series',
    );
    assert.deepEqual(Object.keys((await readiness(none.port)).body.checks), ['listening', 'draining']);
  });

  it('a threads bus closed under a running app (the app keeps serving): up 0 in a scrape and readiness 503 naming bus', async () => {
    const bus = threadsBus({ channel: `test:${randomUUID()}` });
    await using server = await TestServer.start(new App(topicRouter(), { logger: false, metrics: { defaultMetrics: false }, health: true, bus }));
    assert.equal((await readiness(server.port)).status, 200);
    await bus.close();
    const sender = await server.ws('/t/room');
    await sender.expectText('ready');
    const peer = await server.ws('/t/room');
    await peer.expectText('ready');
    sender.sendText('still local');
    await peer.expectText('still local');

    const text = (await scrape(server.port)).text;
    assert.equal(sample(text, 'kindling_bus_up{bus="threads"}'), 0);
    assert.equal(sample(text, 'kindling_bus_publish_failures_total{bus="threads"}'), 1, 'the publish that could not cross was counted');
    const ready = await readiness(server.port);
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.failing, ['bus']);
    assert.match(ready.body.checks['bus']?.detail ?? '', /threads bus is down/);
  });
});
