// Kindling echo with batchHandler: each batch is echoed message by message. The batch size matches
// the load generator's 16 messages in flight per connection, so batches fill instead of timing out.
// Usage: node kindling-ws-echo-batch-handler.mjs [port]
import { Router, batchHandler } from '@kindling/core';
import { serve } from './kindling-app.mjs';

await serve(
  new Router().websocket(
    '/echo',
    batchHandler(
      (ws, messages) => {
        for (const message of messages) ws.send(message);
      },
      { size: 16, timeoutMs: 1 },
    ),
  ),
);
