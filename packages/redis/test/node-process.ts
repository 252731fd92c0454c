// One Kindling node for the cross-node tests, in a process of its own: prints
// {"port":N} once listening, then its warn+ log lines; GET /stats answers app.metrics().bus.
// Env: REDIS_URL, PREFIX, and PUBLISH_TOPIC/PUBLISH_COUNT/PUBLISH_EVERY_MS to start a steady
// stream of app.publish(topic, "<seq>") on POST /stream.
import { App, Path, Router, type WebSocketConnection } from '@kindling/core';
import { redisBus } from '@kindling/redis';

const env = process.env;
const holder: { app?: App } = {};
let streaming: Promise<void> | undefined;

const router = new Router()
  .get('/stats', () => holder.app?.metrics().bus ?? null)
  .post('/stream', () => {
    streaming ??= stream(env.PUBLISH_TOPIC ?? 'stream', Number(env.PUBLISH_COUNT ?? 1000), Number(env.PUBLISH_EVERY_MS ?? 2));
    return { started: true };
  })
  .get('/stream/done', async () => {
    await streaming;
    return { done: true };
  })
  .websocket('/t/{topic}', [Path()], async (path, ws: WebSocketConnection) => {
    ws.subscribe(path.topic);
    ws.sendText('ready');
    for await (const msg of ws) {
      if (msg.type === 'text' && msg.text.startsWith('join:')) {
        await holder.app?.presence.join(path.topic, msg.text.slice(5), { via: 'ws' });
        ws.sendText('joined');
      } else if (msg.type === 'text' && msg.text === 'members') {
        const members = (await holder.app?.presence.members(path.topic)) ?? [];
        ws.sendText(
          `members:${members
            .map((m) => m.member)
            .sort()
            .join(',')}`,
        );
      } else ws.publish(path.topic, msg);
    }
  });

async function stream(topic: string, count: number, everyMs: number): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    holder.app?.publish(topic, String(seq));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  // Let the last replies (or failures) arrive before anyone reads the counts.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const app = new App(router, {
  logger: { level: 'warn' },
  websocket: { maxPayloadLength: 2 * 1024 * 1024 },
  bus: redisBus(
    { url: env.REDIS_URL ?? '' },
    {
      prefix: env.PREFIX ?? 'kindling',
      connectTimeoutMs: 30_000,
      heartbeatMs: 200,
      ttlMs: Number(env.TTL_MS ?? 1000),
      reconnect: env.RECONNECT_MS ? { minDelayMs: Number(env.RECONNECT_MS), maxDelayMs: Number(env.RECONNECT_MS) } : { minDelayMs: 50, maxDelayMs: 400 },
    },
  ),
});
holder.app = app;
app.presence.on((event) => console.log(JSON.stringify({ presence: event })));
const port = await app.listen({ port: 0, host: '127.0.0.1', handleSignals: true });
console.log(JSON.stringify({ port }));
