// Kindling events() echo, request with reply: {"type":"echo","id":N,"data":D} is answered with
// {"id":N,"data":D} (the load generator's --proto events). /echo plain, /echo-policies with
// heartbeat and rate limit on. Compared with the messageHandler echo in the shared-core group.
// Usage: node kindling-ws-events-echo.mjs [port]
import { Router, defineEvents, events, on } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const echoEvents = defineEvents({ echo: on((ws, data) => data) });

await serve(new Router().websocket('/echo', events(echoEvents)).websocket('/echo-policies', events(echoEvents), POLICIES));
