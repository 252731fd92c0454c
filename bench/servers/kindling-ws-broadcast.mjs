// Kindling broadcast: /sub subscribes to one topic and stays open, each message on /pub goes out
// with `app.publish`. Usage: node kindling-ws-broadcast.mjs [port]
import { Router, messageHandler } from '@kindling/core';
import { serve } from './kindling-app.mjs';

const TOPIC = 'room';
const router = new Router()
  .websocket('/sub', async (ws) => {
    ws.subscribe(TOPIC);
    for await (const _ of ws);
  })
  .websocket(
    '/pub',
    messageHandler((_ws, message) => {
      app.publish(TOPIC, message.type === 'text' ? message.text : message.data);
    }),
  );
const app = await serve(router);
