import { App } from '@kindling/core';
import { createEchoRouter } from './echo-router.js';

const app = new App(createEchoRouter());
const port = await app.listen({ port: Number(process.env['PORT'] ?? 3001), handleSignals: true });
app.log.info(`echo server on ws://localhost:${port}/echo`);
