import { App } from '@kindling/core';
import { createChatRouter } from './chat-router.js';

const app = new App(createChatRouter({ token: process.env['CHAT_TOKEN'] ?? 'dev-token' }));
const port = await app.listen({ port: Number(process.env['PORT'] ?? 3003), handleSignals: true });
app.log.info(`chat (controllers) on ws://localhost:${port}/chat/{room}/{username}?token=...`);
