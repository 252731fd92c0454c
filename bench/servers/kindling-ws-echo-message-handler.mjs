// Kindling echo with messageHandler. /echo plain, /echo-policies with heartbeat and rate limit on.
// Usage: node kindling-ws-echo-message-handler.mjs [port]
import { Router, messageHandler } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const echo = () =>
  messageHandler((ws, message) => {
    ws.send(message);
  });

await serve(new Router().websocket('/echo', echo()).websocket('/echo-policies', echo(), POLICIES));
