// Kindling messageHandler speaking the events() protocol by hand, as an app without events()
// would: parse the JSON, find the handler by the envelope's type, send {"id":…,"data":…} back.
// No envelope checks, ids in flight or error replies. /echo plain, /echo-policies with heartbeat
// and rate limit on. The events() echo is held against it in the shared-core group.
// Usage: node kindling-ws-json-echo-message-handler.mjs [port]
import { Router, messageHandler } from '@kindling/core';
import { POLICIES, serve } from './kindling-app.mjs';

const handlers = new Map([['echo', (data) => data]]);

const echo = () =>
  messageHandler((ws, message) => {
    const envelope = message.json();
    const result = handlers.get(envelope.type)(envelope.data);
    ws.sendText(`{"id":${JSON.stringify(envelope.id)},"data":${JSON.stringify(result)}}`);
  });

await serve(new Router().websocket('/echo', echo()).websocket('/echo-policies', echo(), POLICIES));
