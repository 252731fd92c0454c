// The first example of docs/testing.md, kept here so the page shows code that runs.
import { describe, it } from 'node:test';
import { Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';

const router = new Router()
  .get('/health', () => ({ ok: true }))
  .websocket('/echo', async (ws) => {
    for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
  });

describe('echo', () => {
  it('echoes text', async () => {
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/echo');
    ws.sendText('hi');
    await ws.expectText('Echo: hi');
  });

  it('answers health checks', async () => {
    await using server = await TestServer.start(router);
    await server.request('GET', '/health').expectStatus(200).expectJson({ ok: true });
  });
});
