// Kindling node on the Redis bus (cross-node fan-out): /sub subscribes to one topic and stays
// open, each message on /pub goes out with `app.publish` to every node. Env: BENCH_REDIS_URL.
// Usage: node kindling-redis-node.mjs [port]
import { App, Router, messageHandler } from '@kindling/core';
import { redisBus } from '@kindling/redis';
import { ready } from './ready.mjs';

const TOPIC = 'room';
const router = new Router()
  .websocket('/sub', async (ws) => {
    ws.subscribe(TOPIC);
    for await (const _ of ws);
  })
  .websocket(
    '/pub',
    messageHandler((_ws, message) => {
      app.publish(TOPIC, message.type === 'text' ? message.text : message.data);
    }),
  );
const app = new App(router, { logger: false, bus: redisBus({ url: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' }, { prefix: 'bench' }) });
const port = await app.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
await app.bus.ready;
ready(port, () => app.shutdown({ timeoutMs: 1_000 }));
