import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from '@kindling/core';
import { failOnEscapedErrors } from './fixtures.js';
import { echoRouter, eventually, open, scrape, series } from './metrics-fixtures.js';
import { pipelinedGets, sample } from './ops-fixtures.js';

failOnEscapedErrors();

describe('metrics: labels from route patterns and fixed sets only', { timeout: 90_000 }, () => {
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
});
