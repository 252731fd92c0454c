import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { App, threadsBus } from '@kindling/core';
import { failOnEscapedErrors } from './fixtures.js';
import { echoRouter, eventually, open, scrape, series } from './metrics-fixtures.js';
import { pipelinedGets, sample } from './ops-fixtures.js';

failOnEscapedErrors();

describe('metrics: labels from route patterns and fixed sets only', { timeout: 90_000 }, () => {
  it('series stay flat under 10,000 distinct unmatched paths, 2,000 paths of one pattern, 10,000 topics (carried by a bus) and 200 unmatched upgrade paths', async () => {
    // A bus of its own: every topic is also subscribed and published on it, which adds no series either.
    const bus = threadsBus({ channel: `flood:${randomUUID()}` });
    const app = new App(echoRouter(), { logger: false, metrics: { defaultMetrics: false }, bus });
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
      await eventually(
        async () => sample((await scrape(port)).text, 'kindling_ws_messages_received_total{route="/topics"}') === 1,
        'the first topic message arrived',
      );
      const first = series((await scrape(port)).text);

      // 10,000 paths no route matches and 2,000 that match a pattern, pipelined on a few connections.
      const numbers = (from: number, count: number) => Array.from({ length: count }, (_, k) => from + k);
      const answers = await Promise.all([
        ...[1, 2501, 5001, 7501].map((from) =>
          pipelinedGets(
            port,
            numbers(from, 2500).map((n) => `/missing/${n}`),
          ),
        ),
        pipelinedGets(
          port,
          numbers(1, 2000).map((n) => `/items/${n}`),
        ),
      ]);
      assert.ok(answers.slice(0, 4).every((statuses) => statuses.every((s) => s === 404)));
      assert.ok((answers[4] ?? []).every((s) => s === 200));
      for (let i = 1; i <= 10_000; i++) topics.socket.send(`topic-${i}`);
      for (let i = 1; i <= 200; i += 50)
        await Promise.all(Array.from({ length: 50 }, (_, k) => assert.rejects(open(`ws://127.0.0.1:${port}/nope/${i + k}`), /404/)));
      await eventually(
        async () => sample((await scrape(port)).text, 'kindling_ws_messages_received_total{route="/topics"}') === 10_001,
        'every topic message arrived',
      );
      const text = (await scrape(port)).text;
      assert.deepEqual(series(text), first, 'the same series as before the flood');
      assert.equal(sample(text, 'kindling_http_requests_total{route="(none)",method="GET",status="404"}'), 10_001);
      assert.equal(sample(text, 'kindling_http_requests_total{route="/items/{id}",method="GET",status="200"}'), 2_001);
      assert.ok(!text.includes('topic-'), 'no topic becomes a label');
      assert.equal(sample(text, 'kindling_bus_topics{bus="threads"}'), 10_001, 'the bus holds every topic, in one series');
      assert.equal(sample(text, 'kindling_bus_publishes_total{bus="threads"}'), 10_001);
      topics.socket.close();
    } finally {
      await app.shutdown({ timeoutMs: 2000 });
    }
  });
});
