import { App } from '@kindling/core';
import { redisBus } from '@kindling/redis';
import { chatLogger } from './chat-logger.js';
import { createChatRouter } from './chat-router.js';
import { ChatRooms } from './chat-rooms.js';

// `npm start` serves the chat with these defaults; each one is an environment variable.
const token = process.env['CHAT_TOKEN'] ?? 'kindling';
const port = Number(process.env['PORT'] ?? 3000);
// REDIS_URL makes this server one node of a cluster: rooms' messages and the "here now" list
// reach every node on that Redis (`npm run start:cluster`, docs/scaling.md).
const redisUrl = process.env['REDIS_URL'];

const rooms = new ChatRooms();
// Operations: Prometheus metrics at /metrics, and /health/live + /health/ready for a load
// balancer, readiness including a real WebSocket round trip to the app itself.
const app = new App(createChatRouter({ token }, rooms), {
  logger: chatLogger(),
  metrics: true,
  health: { probe: true },
  ...(redisUrl ? { bus: redisBus({ url: redisUrl }, { prefix: 'chat' }) } : {}),
});
if (redisUrl) rooms.usePresence(app.presence);
// handleSignals: SIGINT / SIGTERM stop accepting, close every connection with 1001, run the
// onClose hooks, and let the process end by itself.
const bound = await app.listen({ port, handleSignals: true });
app.log.info(`chat on http://localhost:${bound}/?token=${encodeURIComponent(token)}`);
