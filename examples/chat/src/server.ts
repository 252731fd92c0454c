import { App } from '@kindling/core';
import { createChatRouter } from './chat-router.js';

const token = process.env['CHAT_TOKEN'] ?? 'kindling';
const app = new App(createChatRouter({ token }));
const port = await app.listen({ port: Number(process.env['PORT'] ?? 3000), handleSignals: true });
app.log.info(`chat on http://localhost:${port} (token: ${token})`);
