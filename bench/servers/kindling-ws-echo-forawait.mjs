// Kindling echo with a `for await` handler. /echo plain, /echo-policies with heartbeat and rate
// limit on (the memory group measures that one). Usage: node kindling-ws-echo-forawait.mjs [port]
import { Router } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const echo = async (ws) => {
  for await (const message of ws) ws.send(message);
};

await serve(new Router().websocket('/echo', echo).websocket('/echo-policies', echo, POLICIES));
