import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createEchoRouter } from '../src/echo-router.js';

describe('echo example', () => {
  test('echoes text with a prefix and binary as is', async () => {
    await using server = await TestServer.start(createEchoRouter());
    const ws = await server.ws('/echo');
    ws.sendText('hello');
    await ws.expectText('Echo: hello');
    ws.sendBinary(new Uint8Array([1, 2, 3]));
    await ws.expectBinary(new Uint8Array([1, 2, 3]));
    await ws.close(1000);
    await ws.expectClosed(1000);
  });

  test('answers health checks over HTTP', async () => {
    await using server = await TestServer.start(createEchoRouter());
    await server.request('GET', '/health').expectStatus(200).expectJson({ ok: true });
  });
});
