// Kindling idle connections, for the heartbeat sweep's CPU: hold N idle connections (the load
// generator's `connect` mode answers pings) and read the server's CPU over the hold.
//   /idle-off      heartbeat off: the baseline (nothing runs per connection)
//   /idle          the default heartbeat (30 s / 10 s) plus a rate limit, as in the memory group
//   /idle-1s       heartbeat every second (1 s / 1 s): the worst case, every connection pinged each second
// Usage: node kindling-idle-heartbeat.mjs [port]
import { Router } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const idle = (ws) => ws.keepOpen();

await serve(
  new Router()
    .websocket('/idle-off', idle, { heartbeat: false })
    .websocket('/idle', idle, POLICIES)
    .websocket('/idle-1s', idle, { heartbeat: { intervalMs: 1_000, timeoutMs: 1_000 } }),
);
