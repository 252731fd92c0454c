// Kindling on `serve()`: one app per worker thread on one port, joined by the threads bus.
// /echo echoes (messageHandler); /sub and /pub are the broadcast pair. Env: BENCH_THREADS (1).
// Usage: node kindling-threads.mjs [port]
import { isMainThread } from 'node:worker_threads';
import { App, Router, messageHandler, serve } from '@kindling/core';
import { ready } from './ready.mjs';

const TOPIC = 'room';
const server = await serve(
  import.meta.url,
  ({ bus }) => {
    const router = new Router()
      .websocket(
        '/echo',
        messageHandler((_ws, message) => message),
      )
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
    const app = new App(router, { logger: false, bus });
    return app;
  },
  {
    threads: Number(process.env.BENCH_THREADS ?? 1),
    port: Number(process.argv[2] ?? 0),
    host: '127.0.0.1',
    handleSignals: false,
    logger: false,
    shutdownTimeoutMs: 1_000,
  },
);
if (isMainThread) ready(server.port, () => server.shutdown());
