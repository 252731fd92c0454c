// `npm run start:threads`: the chat on every core of one machine, one app per worker thread on
// one port (serve(), docs/scaling.md). Rooms' messages and the "here now" list span the threads.
// Env: THREADS (default: the machine's cores), PORT (3000), CHAT_TOKEN, LOG_LEVEL, LOG_FORMAT.
// At LOG_LEVEL=debug each thread logs every presence change it hears (`chat.presence`).
import { App, serve } from '@kindling/core';
import { chatLogger } from './chat-logger.js';
import { createChatRouter } from './chat-router.js';
import { ChatRooms } from './chat-rooms.js';

const token = process.env['CHAT_TOKEN'] ?? 'kindling';
const threads = process.env['THREADS'] ? Number(process.env['THREADS']) : undefined;
let firstThread: App | undefined;

const server = await serve(
  import.meta.url,
  ({ bus, thread }) => {
    const rooms = new ChatRooms();
    const app = new App(createChatRouter({ token }, rooms), { bus, logger: chatLogger({ thread }), metrics: true, health: { probe: true } });
    // The threads bus brings presence across the threads: every thread's "here now" lists all.
    rooms.usePresence(app.presence);
    app.presence.on((change) => app.log.debug({ event: 'chat.presence', ...change }, 'chat.presence'));
    if (thread === 0) firstThread = app;
    return app;
  },
  { port: Number(process.env['PORT'] ?? 3000), logger: chatLogger(), ...(threads ? { threads } : {}) },
);
// In thread 0 only, once it listens: one link for the whole server.
firstThread?.log.info(`chat on http://localhost:${server.port}/?token=${encodeURIComponent(token)}`);
