import { App, type LoggerSetting } from '@kindling/core';
import { createChatRouter } from './chat-router.js';

// `npm start` serves the chat with these defaults; each one is an environment variable.
const token = process.env['CHAT_TOKEN'] ?? 'kindling';
const port = Number(process.env['PORT'] ?? 3000);
const level = process.env['LOG_LEVEL'] ?? 'info';
// Readable logs for a person at a terminal (Kindling's messages repeat their `event`, so it is
// left out); LOG_FORMAT=json gives one JSON object a line for a log collector.
const logger: LoggerSetting =
  process.env['LOG_FORMAT'] === 'json'
    ? { level }
    : { level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,event', singleLine: true } } };

// Operations: Prometheus metrics at /metrics, and /health/live + /health/ready for a load
// balancer, readiness including a real WebSocket round trip to the app itself.
const app = new App(createChatRouter({ token }), { logger, metrics: true, health: { probe: true } });
// handleSignals: SIGINT / SIGTERM stop accepting, close every connection with 1001, run the
// onClose hooks, and let the process end by itself.
const bound = await app.listen({ port, handleSignals: true });
app.log.info(`chat on http://localhost:${bound}/?token=${encodeURIComponent(token)}`);
