// Kindling echo with messageHandler and Prometheus metrics on without prom-client's default
// process metrics (no GC observer, no event-loop monitor), to tell their cost from Kindling's own;
// otherwise the same as kindling-ws-echo-metrics.mjs.
// /echo plain, /echo-policies with heartbeat and rate limit on.
// Usage: node kindling-ws-echo-metrics-no-defaults.mjs [port]
import { Router, messageHandler } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const echo = () =>
  messageHandler((ws, message) => {
    ws.send(message);
  });

await serve(new Router().websocket('/echo', echo()).websocket('/echo-policies', echo(), POLICIES), { metrics: { defaultMetrics: false } });
