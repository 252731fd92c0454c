import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Message, SendResult, WebSocketConnection } from '@kindling/websocket';
import { failOnEscapes, startServer, TestClient } from './fixture.js';

failOnEscapes();

function pauseReading(client: TestClient): Socket {
  const socket = (client.socket as unknown as { _socket: Socket })._socket;
  socket.pause();
  return socket;
}

/** Sends `size`-byte frames until uWS buffers, then `more` frames; returns every result. */
function sendUntilBuffered(conn: WebSocketConnection, size: number, more: number): SendResult[] {
  const chunk = new Uint8Array(size);
  const results: SendResult[] = [];
  while (conn.bufferedAmount === 0 && results.length < 100_000) results.push(conn.sendBinary(chunk));
  for (let i = 0; i < more; i++) results.push(conn.sendBinary(chunk));
  return results;
}

describe('inbound queue', () => {
  it('a flood past maxQueuedMessages closes 1008, logs ws.queue_overflow, and keeps what was queued', async () => {
    const readAfterClose: (string | null)[] = [];
    await using server = await startServer({
      options: { maxQueuedMessages: 4 },
      handler: async (ws) => {
        await ws.closed; // read nothing until the connection is gone
        for (let i = 0; i < 5; i++) {
          const msg = await ws.recv();
          readAfterClose.push(msg === null ? null : (msg as Message & { type: 'text' }).text);
        }
      },
    });
    await using client = await TestClient.connect(server.url);
    for (let i = 0; i < 10; i++) client.socket.send(`m${i}`);
    assert.deepEqual(await client.closed, { code: 1008, reason: 'Inbound message queue overflow', error: undefined });
    const overflow = await server.logs.waitFor('ws.queue_overflow');
    assert.equal(overflow.level, 40);
    assert.equal(overflow['maxQueuedMessages'], 4);
    const close = await server.logs.waitFor('ws.close');
    assert.ok((close['messagesDropped'] as number) >= 1);
    await (await server.connection()).closed;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(readAfterClose, ['m0', 'm1', 'm2', 'm3', null]);
  });
});

describe('payload limits', () => {
  it('a frame over the route maxPayloadLength closes with a real 1009 frame', async () => {
    const accepted: number[] = [];
    await using server = await startServer({
      options: { maxPayloadLength: 1000 },
      hardMaxPayloadLength: 64 * 1024,
      handler: async (ws) => {
        for await (const msg of ws) if (msg.type === 'binary') accepted.push(msg.data.byteLength);
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(Buffer.alloc(1000));
    client.socket.send(Buffer.alloc(1001));
    assert.deepEqual(await client.closed, { code: 1009, reason: 'Payload too large', error: undefined });
    assert.deepEqual(accepted, [1000]);
    const line = await server.logs.waitFor('ws.payload_too_large');
    assert.deepEqual([line['size'], line['maxPayloadLength']], [1001, 1000]);
  });

  it('a frame over uWS hard cap drops TCP without a close frame (peer sees 1006)', async () => {
    await using server = await startServer({ options: { maxPayloadLength: 1000 }, hardMaxPayloadLength: 2048, handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    client.socket.send(Buffer.alloc(4096));
    assert.equal((await client.closed).code, 1006);
    assert.deepEqual(await (await server.connection()).closed, {
      code: 1006,
      reason: 'Received too big message',
      wasClean: false,
      initiatedBy: 'client',
    });
  });

  it('a text frame with invalid UTF-8 makes uWS drop TCP without a close frame (peer sees 1006)', async () => {
    let received = 0;
    await using server = await startServer({
      handler: async (ws) => {
        for await (const _ of ws) received++;
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(Buffer.from([0x61, 0xff, 0xfe]), { binary: false });
    assert.equal((await client.closed).code, 1006);
    assert.deepEqual(await (await server.connection()).closed, {
      code: 1006,
      reason: 'Received invalid UTF-8',
      wasClean: false,
      initiatedBy: 'client',
    });
    assert.equal(received, 0, 'the invalid frame never reaches the handler');
  });
});

describe('backpressure', () => {
  it('drops sends past maxBackpressure; drain() resolves once the peer reads', async () => {
    await using server = await startServer({ options: { maxBackpressure: 64 * 1024 }, handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    const results = sendUntilBuffered(conn, 16 * 1024, 8);
    assert.equal(results.at(-1), 'dropped');
    assert.ok(results.includes('buffered'));
    assert.ok(conn.bufferedAmount <= 64 * 1024 + 16 * 1024);
    assert.equal(conn.isOpen, true);
    const drained = conn.drain();
    tcp.resume();
    await drained;
    assert.equal(conn.bufferedAmount, 0);
    assert.equal(conn.sendText('after drain'), 'written');
    await conn.close();
  });

  it('closes 1008 instead when closeOnBackpressureLimit is set', async () => {
    await using server = await startServer({
      options: { maxBackpressure: 64 * 1024, closeOnBackpressureLimit: true },
      handler: (ws) => ws.keepOpen(),
    });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    const results = sendUntilBuffered(conn, 16 * 1024, 8);
    assert.ok(results.includes('dropped'));
    assert.equal(results.at(-1), 'closed');
    assert.equal((await server.logs.waitFor('ws.backpressure_limit')).level, 40);
    tcp.resume();
    assert.deepEqual(await client.closed, { code: 1008, reason: 'Send backpressure limit exceeded', error: undefined });
  });

  it('drain() also resolves when the connection closes', async () => {
    await using server = await startServer({ options: { maxBackpressure: 0 }, handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    pauseReading(client);
    const conn = await server.connection();
    sendUntilBuffered(conn, 64 * 1024, 2);
    const drained = conn.drain();
    conn.terminate();
    await drained;
    assert.equal(conn.bufferedAmount, 0);
  });

  it("reports uWS's own limit as 'dropped'", async () => {
    await using server = await startServer({ options: { maxBackpressure: 0 }, uwsMaxBackpressure: 32 * 1024, handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    const results = sendUntilBuffered(conn, 16 * 1024, 8);
    assert.equal(results.at(-1), 'dropped');
    tcp.resume();
    await conn.drain();
    await conn.close();
  });
});
