import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { App, Router, batchHandler, messageHandler } from '@kindling/core';
import { failOnEscapedErrors } from './fixtures.js';
import { pipelinedGets, sample, samples, systemBinary } from './ops-fixtures.js';

failOnEscapedErrors();

interface Client {
  readonly socket: WebSocket;
  readonly messages: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  next(): Promise<string>;
}

async function open(url: string): Promise<Client> {
  const socket = new WebSocket(url);
  const messages: string[] = [];
  const waiters: Array<(text: string) => void> = [];
  let read = 0;
  socket.on('message', (data) => {
    messages.push(data.toString());
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(messages[read++] as string);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = () => (read < messages.length ? Promise.resolve(messages[read++] as string) : new Promise<string>((resolve) => waiters.push(resolve)));
  return { socket, messages, closed, next };
}

async function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The series names with labels, without values. */
function series(text: string): string[] {
  return samples(text).map((line) => line.slice(0, line.lastIndexOf(' ')));
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await delay(10);
  }
  assert.fail(`timed out waiting until ${what}`);
}

function echoRouter(): Router {
  return new Router()
    .get('/items/{id}', () => 'item')
    .websocket(
      '/echo',
      messageHandler((_ws, msg) => {
        if (msg.type === 'text' && msg.text === 'boom') throw new Error('handler failed');
        return msg;
      }),
    )
    .websocket('/json', messageHandler((_ws, value) => value, { json: true }))
    .websocket('/ingest', batchHandler((ws, msgs) => void ws.send(String(msgs.length)), { size: 2, timeoutMs: 60_000 }))
    .websocket('/limited', (ws) => ws.keepOpen(), { rateLimit: { messages: 1, perMs: 60_000, policy: 'drop' } })
    .websocket('/topics', messageHandler((ws, msg) => {
      if (msg.type !== 'text') return;
      ws.subscribe(msg.text);
      ws.publish(msg.text, 'x');
    }));
}

describe('metrics: Prometheus text at /metrics', { timeout: 120_000 }, () => {
  it('counts what the clients did: connections, upgrades, messages, bytes, closes, handler calls and errors, HTTP by route pattern; app.metrics() has the totals', async () => {
    const app = new App(echoRouter(), { logger: false, metrics: true });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const before = await scrape(port);
      assert.equal(before.status, 200);
      assert.equal(before.type, 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(sample(before.text, 'kindling_ws_connections{route="/echo"}'), 0, 'every WebSocket route has its gauge from the start');
      assert.ok(samples(before.text).some((l) => l.startsWith('process_cpu_user_seconds_total')), 'default process metrics are on');

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
      assert.equal(sample(live, 'kindling_ws_upgrades_total{route="(none)",status="404"}'), 1, samples(live).filter((l) => l.includes('upgrades_total')).join('\n'));
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

  it('series stay flat when 10,000 distinct paths, upgrade paths and topics arrive', async () => {
    const app = new App(echoRouter(), { logger: false, metrics: { defaultMetrics: false } });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const topics = await open(`ws://127.0.0.1:${port}/topics`);
      const warmUp = async (i: number) => {
        await fetch(`http://127.0.0.1:${port}/missing/${i}`).then((r) => r.text());
        await fetch(`http://127.0.0.1:${port}/items/${i}`).then((r) => r.text());
      };
      await warmUp(0);
      await assert.rejects(open(`ws://127.0.0.1:${port}/nope/0`), /404/);
      topics.socket.send('topic-0');
      await eventually(async () => sample((await scrape(port)).text, 'kindling_ws_messages_received_total{route="/topics"}') === 1, 'the first topic message arrived');
      const first = series((await scrape(port)).text);

      for (let i = 1; i <= 10_000; i += 2000) {
        const chunk = Array.from({ length: 2000 }, (_, k) => i + k);
        const [missing, items] = await Promise.all([pipelinedGets(port, chunk.map((n) => `/missing/${n}`)), pipelinedGets(port, chunk.map((n) => `/items/${n}`))]);
        assert.ok(missing.every((s) => s === 404) && items.every((s) => s === 200));
      }
      for (let i = 1; i <= 10_000; i++) topics.socket.send(`topic-${i}`);
      for (let i = 1; i <= 200; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => assert.rejects(open(`ws://127.0.0.1:${port}/nope/${i + k}`), /404/)));
      await eventually(async () => sample((await scrape(port)).text, 'kindling_ws_messages_received_total{route="/topics"}') === 10_001, 'every topic message arrived');
      const text = (await scrape(port)).text;
      assert.deepEqual(series(text), first, 'the same series as before the flood');
      assert.equal(sample(text, 'kindling_http_requests_total{route="(none)",method="GET",status="404"}'), 10_001);
      assert.equal(sample(text, 'kindling_http_requests_total{route="/items/{id}",method="GET",status="200"}'), 10_001);
      assert.ok(!text.includes('topic-'), 'no topic becomes a label');
      topics.socket.close();
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('passes `promtool check metrics` (Debian prometheus package)', async (t) => {
    const promtool = systemBinary('promtool', 'prometheus');
    if (promtool === undefined) return t.skip('promtool is not installed');
    const app = new App(echoRouter(), { logger: false, metrics: { defaultMetrics: false } });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const client = await open(`ws://127.0.0.1:${port}/echo`);
      client.socket.send('hi');
      await client.next();
      client.socket.close(4321);
      await client.closed;
      await fetch(`http://127.0.0.1:${port}/items/1`);
      const { text } = await scrape(port);
      assert.ok(sample(text, 'kindling_ws_closes_total{route="/echo",code="4xxx",initiated_by="client"}') === 1, 'an application close code outside the table is labelled 4xxx');
      const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
      assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });

  it('a metrics path that collides with a route is a start-up error naming both', () => {
    const router = new Router().get('/metrics', () => 'mine');
    assert.throws(() => new App(router, { logger: false, metrics: true }), (err: Error) => {
      assert.match(err.message, /metrics\.path '\/metrics'/);
      assert.match(err.message, /get\('\/metrics'\)/);
      return true;
    });
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

  it('without prom-client installed: metrics is a clear start-up error naming the package; an app without metrics never loads it', async () => {
    // A module hook makes `prom-client` unresolvable in a child process, as if it were not installed.
    const hook = `data:text/javascript,${encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === 'prom-client') throw Object.assign(new Error("Cannot find package 'prom-client'"), { code: 'ERR_MODULE_NOT_FOUND' });
        return next(specifier, context);
      }`)}`;
    const script = (metrics: boolean) => `
      import { register } from 'node:module';
      register(${JSON.stringify(hook)});
      const { App, Router } = await import('@kindling/core');
      const app = new App(new Router().get('/', () => 'ok'), { logger: false, metrics: ${String(metrics)} });
      try {
        const port = await app.listen(0, '127.0.0.1');
        const res = await fetch('http://127.0.0.1:' + port + '/');
        process.stdout.write('LISTENING ' + res.status + '\\n');
        await app.shutdown();
      } catch (err) {
        process.stdout.write('ERROR ' + err.message + '\\n');
      }
    `;
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const run = (metrics: boolean) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script(metrics)], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('exit', () => resolve(out.trim()));
      });
    const [withMetrics, without] = await Promise.all([run(true), run(false)]);
    assert.match(withMetrics, /^ERROR metrics is on, but the optional peer dependency 'prom-client' is not installed: run `npm install prom-client`/);
    assert.equal(without, 'LISTENING 200');
  });
});
