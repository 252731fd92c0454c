import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeProcess } from './node-processes.js';
import { RedisServer, redisMissing } from './redis-server.js';

const skip = redisMissing();

const nodeEnv = (redis: RedisServer, prefix = 'kindling') => ({ REDIS_URL: redis.url, PREFIX: prefix });

describe('presence across node processes', { skip, timeout: 120_000 }, () => {
  it('presence: members of both nodes; a SIGKILLed node’s members disappear within the TTL with a leave event', async () => {
    await using redis = await RedisServer.start();
    await using a = await NodeProcess.start(nodeEnv(redis));
    const b = await NodeProcess.start(nodeEnv(redis));
    const ada = await a.subscriber('lobby');
    const bob = await b.subscriber('lobby');
    ada.send('join:ada');
    assert.equal(await ada.next(), 'joined');
    bob.send('join:bob');
    assert.equal(await bob.next(), 'joined');
    await a.waitLine((l) => (l.presence as { member?: string } | undefined)?.member === 'bob');
    ada.send('members');
    assert.equal(await ada.next(), 'members:ada,bob');

    const crashedAt = Date.now();
    await b.crash();
    const leave = await a.waitLine((l) => {
      const event = l.presence as { type?: string; member?: string; reason?: string } | undefined;
      return event?.type === 'leave' && event.member === 'bob';
    });
    assert.equal((leave.presence as { reason: string }).reason, 'node_down');
    // ttlMs 1000 + one heartbeat of 200 (node-process.ts), with room for a loaded machine.
    assert.ok(Date.now() - crashedAt < 5000, `leave within the bound, took ${Date.now() - crashedAt} ms`);
    ada.send('members');
    assert.equal(await ada.next(), 'members:ada');
    ada.close();
  });
});
