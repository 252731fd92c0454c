import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Router } from '@kindling/core';
import { redisBus } from '@kindling/redis';
import { RedisServer, freePort, redisMissing } from './redis-server.js';

const skip = redisMissing();

describe('redisBus: bad set-ups', { skip, timeout: 60_000 }, () => {
  it('Redis down at start-up: listen() fails with a clear error within connectTimeoutMs, no hang', async () => {
    const port = await freePort();
    const app = new App(new Router(), { logger: false, bus: redisBus({ url: `redis://127.0.0.1:${port}` }, { connectTimeoutMs: 500 }) });
    const started = Date.now();
    await assert.rejects(
      app.listen({ port: 0, host: '127.0.0.1' }),
      /redis bus did not come up: redisBus: Redis at 127\.0\.0\.1:\d+ did not come up within 500 ms \(.*ECONNREFUSED/,
    );
    assert.ok(Date.now() - started < 3000);
    assert.equal(app.metrics().phase, 'idle');
  });

  it('a wrong password: listen() fails at once saying Redis refused it', async () => {
    await using redis = await RedisServer.start(['--requirepass', 'right']);
    const app = new App(new Router(), { logger: false, bus: redisBus({ url: `redis://:wrong@127.0.0.1:${redis.port}` }, { connectTimeoutMs: 5000 }) });
    const started = Date.now();
    await assert.rejects(app.listen({ port: 0, host: '127.0.0.1' }), /refused the connection: WRONGPASS/);
    assert.ok(Date.now() - started < 3000, 'no waiting for the timeout');
  });

  it('a wrong URL or prefix is a TypeError when the bus is made', () => {
    assert.throws(() => redisBus({ url: 'http://127.0.0.1:6380' }), /url must start with redis:\/\//);
    assert.throws(() => redisBus({ url: 'redis://127.0.0.1:1' }, { prefix: 'a:b' }), /prefix must be/);
    assert.throws(() => redisBus({ url: 'redis://127.0.0.1:1' }, { ttlMs: 100, heartbeatMs: 100 }), /ttlMs/);
  });

  it('given an ioredis client: the bus opens its own connections and leaves the client alone', async () => {
    await using redis = await RedisServer.start();
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    const app = new App(new Router(), { logger: false, bus: redisBus({ client }) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.bus.ready;
    assert.equal(app.metrics().bus.up, true);
    await app.shutdown();
    assert.equal(app.metrics().bus.up, false);
    assert.equal(await client.ping(), 'PONG');
    client.disconnect();
  });
});
