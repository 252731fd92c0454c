import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeProcess } from './node-processes.js';
import { RedisServer, redisMissing } from './redis-server.js';

const skip = redisMissing();

const nodeEnv = (redis: RedisServer, prefix = 'kindling') => ({ REDIS_URL: redis.url, PREFIX: prefix });

describe('redisBus: topic names and prefixes', { skip, timeout: 120_000 }, () => {
  it('topics with wildcards and binary bytes are exact channels, and another prefix on the same Redis sees nothing', async () => {
    await using redis = await RedisServer.start();
    await using a = await NodeProcess.start(nodeEnv(redis));
    await using b = await NodeProcess.start(nodeEnv(redis));
    await using other = await NodeProcess.start(nodeEnv(redis, 'other'));
    const topics = ['a*', 'a?[x]', 'a\u0000\u00ff\u{1F600}', 't:x'];
    const publishers = await Promise.all(topics.map((t) => a.subscriber(t)));
    const receivers = await Promise.all(topics.map((t) => b.subscriber(t)));
    const lookalikes = await Promise.all(['ab', 'a', 'ax', 'x'].map((t) => b.subscriber(t)));
    const otherPrefix = await Promise.all(topics.map((t) => other.subscriber(t)));
    for (const [i, publisher] of publishers.entries()) publisher.send(`to ${topics[i]}`);
    for (const [i, receiver] of receivers.entries()) assert.equal(await receiver.next(), `to ${topics[i]}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const client of [...lookalikes, ...otherPrefix]) assert.equal(client.frames.length, 1, 'only its ready');
    for (const [i, receiver] of receivers.entries()) assert.equal(receiver.frames.length, 2, `exactly one message on ${topics[i]}`);
    for (const client of [...publishers, ...receivers, ...lookalikes, ...otherPrefix]) client.close();
  });
});
