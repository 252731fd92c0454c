import { App, type LoggerSetting } from '@kindling/core';
import { redisBus } from '@kindling/redis';
import { createChatRouter } from './chat-router.js';
import { ChatRooms } from './chat-rooms.js';

// `npm start` serves the chat with these defaults; each one is an environment variable.
const token = process.env['CHAT_TOKEN'] ?? 'kindling';
const port = Number(process.env['PORT'] ?? 3000);
const level = process.env['LOG_LEVEL'] ?? 'info';
// REDIS_URL makes this server one node of a cluster: rooms' messages and the "here now" list
// reach every node on that Redis (`npm run start:cluster`, docs/scaling.md).
const redisUrl = process.env['REDIS_URL'];
// Readable logs for a person at a terminal (Kindling's messages repeat their `event`, so it is
// left out); LOG_FORMAT=json gives one JSON object a line for a log collector.
const logger: LoggerSetting =
  process.env['LOG_FORMAT'] === 'json'
    ? { level }
    : { level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,event', singleLine: true } } };

const rooms = new ChatRooms();
// Operations: Prometheus metrics at /metrics, and /health/live + /health/ready for a load
// balancer, readiness including a real WebSocket round trip to the app itself.
const app = new App(createChatRouter({ token }, rooms), {
  logger,
  metrics: true,
  health: { probe: true },
  ...(redisUrl ? { bus: redisBus({ url: redisUrl }, { prefix: 'chat' }) } : {}),
});
if (redisUrl) rooms.usePresence(app.presence);
// handleSignals: SIGINT / SIGTERM stop accepting, close every connection with 1001, run the
// onClose hooks, and let the process end by itself.
const bound = await app.listen({ port, handleSignals: true });
app.log.info(`chat on http://localhost:${bound}/?token=${encodeURIComponent(token)}`);
