import { Router } from '@kindling/core';

/**
 * The echo server: every text frame comes back prefixed with `Echo: `, every binary frame
 * comes back as it was. The connection stays open until the client closes it.
 */
export function createEchoRouter(): Router {
  return new Router()
    .get('/health', () => ({ ok: true }))
    .websocket('/echo', async (ws) => {
      for await (const msg of ws) {
        if (msg.type === 'text') ws.sendText(`Echo: ${msg.text}`);
        else ws.sendBinary(msg.data);
      }
    });
}
