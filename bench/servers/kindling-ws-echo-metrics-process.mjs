// Kindling echo with messageHandler and Prometheus metrics on, plus prom-client's default process
// metrics (a GC observer, an event-loop monitor; opt-in with `defaultMetrics: true`), to show what
// they add to Kindling's own counting; otherwise the same as kindling-ws-echo-metrics.mjs.
// /echo plain, /echo-policies with heartbeat and rate limit on.
// Usage: node kindling-ws-echo-metrics-process.mjs [port]
import { Router, messageHandler } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const echo = () =>
  messageHandler((ws, message) => {
    ws.send(message);
  });

await serve(new Router().websocket('/echo', echo()).websocket('/echo-policies', echo(), POLICIES), { metrics: { defaultMetrics: true } });
