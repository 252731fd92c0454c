import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeProcess } from './node-processes.js';
import { RedisServer, redisMissing } from './redis-server.js';

const skip = redisMissing();

const nodeEnv = (redis: RedisServer, prefix = 'kindling') => ({ REDIS_URL: redis.url, PREFIX: prefix });

describe('redisBus: Redis killed and restarted', { skip, timeout: 120_000 }, () => {
  it('Redis killed mid-stream and restarted: local delivery goes on, publishes fail fast, resume after re-subscribing, and every count adds up', async (t) => {
    await using redis = await RedisServer.start();
    const count = 2500;
    // B reconnects 1.25-2.5 s after losing Redis, A within 0.4 s: A publishes again while B is
    // not yet subscribed, which A must count as possibly lost (it still counts B as alive).
    await using a = await NodeProcess.start({
      ...nodeEnv(redis),
      TTL_MS: '5000',
      PUBLISH_TOPIC: 'stream',
      PUBLISH_COUNT: String(count),
      PUBLISH_EVERY_MS: '2',
    });
    await using b = await NodeProcess.start({ ...nodeEnv(redis), TTL_MS: '5000', RECONNECT_MS: '2500' });
    const local = await a.subscriber('stream');
    const remote = await b.subscriber('stream');

    await a.post('/stream');
    await remote.waitFrames(1 + 100);
    await redis.kill();
    await a.waitLine((l) => l.event === 'bus.publish_failed' && l.reason === 'unavailable');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.restart();
    await waitUntil(async () => ((await a.get('/stats')) as { up: boolean }).up, 'node A re-subscribed');
    await a.get('/stream/done');

    const seqs = (frames: (string | Buffer)[]) => frames.slice(1).map((f) => Number(f));
    assert.deepEqual(seqs(local.frames), [...Array(count).keys()], 'every publish reached the local subscriber, in order');

    const delivered = seqs(remote.frames);
    for (let i = 1; i < delivered.length; i++) assert.ok((delivered[i] as number) > (delivered[i - 1] as number), 'in order, no duplicates');
    const stats = (await a.get('/stats')) as { published: number; failed: number; possiblyLost: number; up: boolean };
    assert.equal(stats.published + stats.failed, count, 'every publish was either accepted by Redis or counted as failed');
    assert.ok(stats.failed > 0, 'the outage made publishes fail');
    assert.ok(stats.possiblyLost > 0, 'publishes while B was re-subscribing were counted as possibly lost');
    const failedLines = a.lines.filter((l) => l.event === 'bus.publish_failed');
    assert.equal(failedLines.length, stats.failed, 'each failure logged once');
    const unconfirmed = failedLines.filter((l) => l.reason === 'unconfirmed').length;
    const reachedAll = stats.published - stats.possiblyLost;
    t.diagnostic(
      `sent ${count}, published ${stats.published}, failed ${stats.failed} (unconfirmed ${unconfirmed}), possibly lost ${stats.possiblyLost}, delivered ${delivered.length}`,
    );
    // Accepted with every node listening ⇒ delivered; accepted with fewer ⇒ not delivered; only
    // a publish cut off in flight (unconfirmed) may have arrived without being counted as published.
    assert.ok(delivered.length >= reachedAll, `delivered ${delivered.length} >= accepted by all nodes ${reachedAll}`);
    assert.ok(delivered.length <= reachedAll + unconfirmed, `delivered ${delivered.length} <= ${reachedAll} + unconfirmed ${unconfirmed}`);
    assert.equal(stats.up, true);
    assert.ok(delivered.at(-1) === count - 1, 'publishing resumed after the restart');
    local.close();
    remote.close();
  });
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
