// Kindling echo with messageHandler and Prometheus metrics on (prom-client loaded, handler calls
// timed, bytes counted); otherwise the same as kindling-ws-echo-message-handler.mjs.
// /echo plain, /echo-policies with heartbeat and rate limit on.
// Usage: node kindling-ws-echo-metrics.mjs [port]
import { Router, messageHandler } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const echo = () =>
  messageHandler((ws, message) => {
    ws.send(message);
  });

await serve(new Router().websocket('/echo', echo()).websocket('/echo-policies', echo(), POLICIES), { metrics: true });
