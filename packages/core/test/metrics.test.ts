import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { App, Router } from '@kindling/core';
import { failOnEscapedErrors } from './fixtures.js';
import { echoRouter, eventually, open, scrape } from './metrics-fixtures.js';
import { sample, samples, systemBinary } from './ops-fixtures.js';

failOnEscapedErrors();

describe('metrics: Prometheus text at /metrics', { timeout: 120_000 }, () => {
  it('counts what the clients did: connections, upgrades, messages, bytes, closes, handler calls and errors, HTTP by route pattern; app.metrics() has the totals', async () => {
    const app = new App(echoRouter(), { logger: false, metrics: true });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const before = await scrape(port);
      assert.equal(before.status, 200);
      assert.equal(before.type, 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(sample(before.text, 'kindling_ws_connections{route="/echo"}'), 0, 'every WebSocket route has its gauge from the start');
      assert.ok(!samples(before.text).some((l) => l.startsWith('process_') || l.startsWith('nodejs_')), "prom-client's default process metrics are opt-in");

      const echo = await open(`ws://127.0.0.1:${port}/echo`);
      for (const text of ['héllo', 'héllo', 'héllo']) {
        echo.socket.send(text);
        assert.equal(await echo.next(), text);
      }
      echo.socket.send('boom');
      assert.match(await echo.next(), /"code":"INTERNAL"/);
      const json = await open(`ws://127.0.0.1:${port}/json`);
      json.socket.send('{not json');
      assert.match(await json.next(), /"code":"INVALID_JSON"/);
      const ingest = await open(`ws://127.0.0.1:${port}/ingest`);
      for (const t of ['1', '2', '3', '4']) ingest.socket.send(t);
      await ingest.next();
      await ingest.next();
      const limited = await open(`ws://127.0.0.1:${port}/limited`);
      for (const t of ['1', '2', '3']) limited.socket.send(t);
      const pong = new Promise((resolve) => limited.socket.once('pong', resolve));
      limited.socket.ping();
      await pong;
      await assert.rejects(open(`ws://127.0.0.1:${port}/no/such/route`), /404/);
      for (const id of ['1', '2']) assert.equal((await fetch(`http://127.0.0.1:${port}/items/${id}`)).status, 200);

      const live = (await scrape(port)).text;
      assert.equal(sample(live, 'kindling_ws_connections{route="/echo"}'), 1);
      assert.equal(sample(live, 'kindling_ws_messages_received_total{route="/echo"}'), 4);
      assert.equal(sample(live, 'kindling_ws_messages_sent_total{route="/echo"}'), 4);
      assert.equal(sample(live, 'kindling_ws_received_bytes_total{route="/echo"}'), 3 * 6 + 4);
      assert.equal(sample(live, 'kindling_ws_upgrades_total{route="/echo",status="101"}'), 1);
      assert.equal(
        sample(live, 'kindling_ws_upgrades_total{route="(none)",status="404"}'),
        1,
        samples(live)
          .filter((l) => l.includes('upgrades_total'))
          .join('\n'),
      );
      assert.equal(sample(live, 'kindling_ws_upgrade_duration_seconds_count{route="/echo"}'), 1);
      // Handler calls are sampled (one in MESSAGE_TIMING_SAMPLE / BATCH_TIMING_SAMPLE per connection, the first always).
      assert.equal(sample(live, 'kindling_ws_handler_duration_seconds_count{route="/echo",kind="message"}'), 1);
      assert.equal(sample(live, 'kindling_ws_handler_duration_seconds_count{route="/ingest",kind="batch"}'), 1);
      assert.equal(sample(live, 'kindling_ws_handler_errors_total{route="/echo"}'), 1);
      assert.equal(sample(live, 'kindling_ws_validation_failures_total{route="/json",code="INVALID_JSON"}'), 1);
      assert.equal(sample(live, 'kindling_ws_rate_limited_messages_total{route="/limited",action="drop"}'), 2);
      assert.equal(sample(live, 'kindling_http_requests_total{route="/items/{id}",method="GET",status="200"}'), 2);
      assert.equal(sample(live, 'kindling_http_request_duration_seconds_count{route="/items/{id}",method="GET",status="200"}'), 2);
      assert.equal(sample(live, 'kindling_http_request_duration_seconds_bucket{route="/items/{id}",method="GET",status="200",le="+Inf"}'), 2);
      assert.ok(!live.includes('/items/1'), 'no raw path becomes a label');

      echo.socket.close(1000);
      await echo.closed;
      await eventually(async () => sample((await scrape(port)).text, 'kindling_ws_connections{route="/echo"}') === 0, 'the gauge drops');
      const after = (await scrape(port)).text;
      assert.equal(sample(after, 'kindling_ws_closes_total{route="/echo",code="1000",initiated_by="client"}'), 1);
      assert.equal(sample(after, 'kindling_ws_connection_duration_seconds_count{route="/echo"}'), 1);
      assert.equal(sample(after, 'kindling_ws_messages_received_total{route="/echo"}'), 4, 'a closed connection keeps its counts in the totals');

      const totals = app.metrics();
      assert.equal(totals.messagesIn, 4 + 1 + 4 + 3);
      assert.equal(totals.bytesIn, 3 * 6 + 4 + 9 + 4 + 3);
      assert.ok(totals.messagesOut >= 4 + 1 + 2, `messagesOut ${totals.messagesOut}`);
      for (const c of [json, ingest, limited]) c.socket.close();
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('passes `promtool check metrics` (Debian prometheus package)', async (t) => {
    const promtool = systemBinary('promtool', 'prometheus');
    if (promtool === undefined) return t.skip('promtool is not installed');
    // The defaults, as an app that says `metrics: true` serves them.
    const app = new App(echoRouter(), { logger: false, metrics: true });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const client = await open(`ws://127.0.0.1:${port}/echo`);
      client.socket.send('hi');
      await client.next();
      client.socket.close(4321);
      await client.closed;
      await fetch(`http://127.0.0.1:${port}/items/1`);
      const { text } = await scrape(port);
      assert.ok(
        sample(text, 'kindling_ws_closes_total{route="/echo",code="4xxx",initiated_by="client"}') === 1,
        'an application close code outside the table is labelled 4xxx',
      );
      const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
      assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it("defaultMetrics: true adds prom-client's process metrics under their standard names", async () => {
    const app = new App(echoRouter(), { logger: false, metrics: { defaultMetrics: true } });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const { text } = await scrape(port);
      const lines = samples(text);
      for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']) {
        assert.ok(
          lines.some((l) => l.startsWith(name)),
          `${name} is served`,
        );
      }
      assert.ok(
        lines.some((l) => l.startsWith('kindling_ws_connections')),
        "Kindling's own metrics are there too",
      );
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('a metrics path that collides with a route is a start-up error naming both', () => {
    const router = new Router().get('/metrics', () => 'mine');
    assert.throws(
      () => new App(router, { logger: false, metrics: true }),
      (err: Error) => {
        assert.match(err.message, /metrics\.path '\/metrics'/);
        assert.match(err.message, /get\('\/metrics'\)/);
        return true;
      },
    );
    const stats = new Router().get('/stats', () => 'mine');
    assert.throws(() => new App(stats, { logger: false, metrics: { path: '/stats' } }), /metrics\.path '\/stats'.*get\('\/stats'\)/);
    assert.doesNotThrow(() => new App(router, { logger: false, metrics: { path: '/prometheus' } }));
  });

  it('bad options are TypeErrors naming the option', () => {
    const router = new Router();
    assert.throws(() => new App(router, { logger: false, metrics: { path: 'metrics' } }), /metrics\.path must start with '\/'/);
    assert.throws(() => new App(router, { logger: false, metrics: { buckets: { http: [1, 0.5] } } }), /metrics\.buckets\.http must be .*ascending/);
    assert.throws(() => new App(router, { logger: false, metrics: { prefix: 'bad-prefix' } }), /metrics\.prefix/);
  });
});
