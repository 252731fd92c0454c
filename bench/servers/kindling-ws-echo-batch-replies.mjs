// Kindling echo with batchHandler, one reply per batch: the batch's texts joined into one text
// frame. That is what batching is for (fewer frames, fewer handler calls); the load generator
// needs --batched-replies to count such a frame as that many echoes. The batch size matches the
// load generator's 16 messages in flight per connection, so batches fill instead of timing out.
// The bench only sends text; a binary message would be echoed as its UTF-8 reading.
// Usage: node kindling-ws-echo-batch-replies.mjs [port]
import { Router, batchHandler } from '@kindling/core';
import { serve } from './kindling-app.mjs';

const decoder = new TextDecoder();
const textOf = (message) => (message.type === 'text' ? message.text : decoder.decode(message.data));

await serve(
  new Router().websocket(
    '/echo',
    batchHandler(
      (ws, messages) => {
        let reply = '';
        for (const message of messages) reply += textOf(message);
        ws.send(reply);
      },
      { size: 16, timeoutMs: 1 },
    ),
  ),
);
