import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeProcess } from './node-processes.js';
import { RedisServer, redisMissing } from './redis-server.js';

const skip = redisMissing();

const nodeEnv = (redis: RedisServer, prefix = 'kindling') => ({ REDIS_URL: redis.url, PREFIX: prefix });

describe('redisBus across node processes', { skip, timeout: 120_000 }, () => {
  it('ws.publish reaches every subscriber on the other node but not the sender; text, binary, 1 MiB, empty, in order', async () => {
    await using redis = await RedisServer.start();
    await using a = await NodeProcess.start(nodeEnv(redis));
    await using b = await NodeProcess.start(nodeEnv(redis));
    const sender = await a.subscriber('room');
    const localPeer = await a.subscriber('room');
    const remote1 = await b.subscriber('room');
    const remote2 = await b.subscriber('room');

    const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    for (let i = 0; i < 200; i++) sender.send(`m${i}`);
    sender.send(new Uint8Array([0, 255]));
    sender.send(big);
    sender.send('');
    for (const peer of [localPeer, remote1, remote2]) {
      for (let i = 0; i < 200; i++) assert.equal(await peer.next(), `m${i}`);
      assert.deepEqual(await peer.next(), Buffer.from([0, 255]));
      assert.deepEqual(await peer.next(), Buffer.from(big));
      assert.equal(await peer.next(), '', 'an empty publish arrives as an empty text frame');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(sender.frames.length, 1, 'the sender got only its ready');
    const stats = (await a.get('/stats')) as Record<string, unknown>;
    assert.equal(stats.published, 203);
    assert.equal(stats.failed, 0);
    assert.equal(stats.possiblyLost, 0);
    assert.equal(stats.topics, 1, 'two local subscribers, one subscription');
    assert.equal(((await b.get('/stats')) as Record<string, unknown>).received, 203);
    for (const client of [sender, localPeer, remote1, remote2]) client.close();
  });
});
