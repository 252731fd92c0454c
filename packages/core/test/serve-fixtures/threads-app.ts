// A server of two threads for serve.test.ts. FAIL_THREAD=<n> makes that thread's createApp throw.
import { isMainThread } from 'node:worker_threads';
import { App, Path, Router, serve, type WebSocketConnection } from '@kindling/core';

const router = (thread: number) =>
  new Router().websocket('/t/{topic}', [Path()], async (path, ws: WebSocketConnection) => {
    ws.subscribe(path.topic);
    ws.sendText(`ready:${thread}`);
    for await (const msg of ws) ws.publish(path.topic, msg);
  });

try {
  const server = await serve(
    import.meta.url,
    ({ bus, thread }) => {
      if (String(thread) === process.env.FAIL_THREAD) throw new Error(`boom in thread ${thread}`);
      return new App(router(thread), { bus, logger: false });
    },
    { threads: 2, port: 0, host: '127.0.0.1' },
  );
  if (isMainThread) console.log(JSON.stringify({ port: server.port, threads: server.threads }));
} catch (err) {
  if (isMainThread) {
    console.log(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    process.exitCode = 1;
  }
}
