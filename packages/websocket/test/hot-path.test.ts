// Behaviour that the per-message fast paths must keep: forwarding received messages without
// decoding them, messages kept past the engine's callback, the inbox created on demand, and the
// backpressure limit when sends skip asking uWS for the buffered amount.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { messageHandler, type Message, type SendResult, type WebSocketConnection } from '@kindling/websocket';
import { delay, failOnEscapes, startServer, TestClient } from './fixture.js';

failOnEscapes();

function pauseReading(client: TestClient): Socket {
  const socket = (client.socket as unknown as { _socket: Socket })._socket;
  socket.pause();
  return socket;
}

const TEXT = 'grüße, 世界 🌍';

describe('forwarding received messages', () => {
  it('send(msg) and publish(msg) of a message being handled deliver its exact text as a text frame', async () => {
    await using server = await startServer({
      handler: messageHandler((ws: WebSocketConnection, msg: Message) => {
        assert.equal(ws.send(msg), 'written');
        ws.publish('room', msg);
      }),
    });
    await using listener = await TestClient.connect(server.url);
    (await server.connection(0)).subscribe('room');
    await using sender = await TestClient.connect(server.url);
    // uWS only publishes from a socket that is itself a subscriber (it skips the sender).
    (await server.connection(1)).subscribe('room');
    sender.socket.send(TEXT);
    const echo = await sender.next();
    const published = await listener.next();
    assert.deepEqual([echo.text, echo.isBinary], [TEXT, false]);
    assert.deepEqual([published.text, published.isBinary], [TEXT, false]);
  });

  it('a message kept past the callback still reads, parses and forwards correctly', async () => {
    const kept: Message[] = [];
    await using server = await startServer({
      handler: messageHandler((ws: WebSocketConnection, msg: Message) => {
        kept.push(msg);
        if (kept.length === 3)
          setTimeout(() => {
            for (const m of kept) ws.send(m);
          }, 10);
      }),
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(TEXT);
    client.socket.send('{"n":1}');
    client.socket.send(Buffer.from([7, 8]));
    const got = [await client.next(), await client.next(), await client.next()];
    assert.deepEqual(
      got.map((r) => [r.isBinary, r.isBinary ? [...r.data] : r.text]),
      [
        [false, TEXT],
        [false, '{"n":1}'],
        [true, [7, 8]],
      ],
    );
    assert.equal(kept[0]?.type === 'text' && kept[0].text, TEXT);
    assert.deepEqual(kept[1]?.json(), { n: 1 });
  });

  it('an async handler reads the text after its first await', async () => {
    await using server = await startServer({
      handler: messageHandler(async (ws: WebSocketConnection, msg: Message) => {
        await delay(5);
        return msg.type === 'text' ? `got ${msg.text}` : 'binary';
      }),
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(TEXT);
    assert.equal((await client.next()).text, `got ${TEXT}`);
  });
});

describe('the inbox on demand', () => {
  it('recv() and for await on a connection closed before anything was read: null and an empty loop', async () => {
    let recv: unknown = 'unset';
    let iterations = -1;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await using server = await startServer({
      handler: async (ws) => {
        await ws.closed;
        recv = await ws.recv();
        iterations = 0;
        for await (const _ of ws) iterations++;
        done();
      },
    });
    const client = await TestClient.connect(server.url);
    client.socket.close(1000);
    await finished;
    assert.equal(recv, null);
    assert.equal(iterations, 0);
  });
});

describe('backpressure without asking uWS on every send', () => {
  const LIMIT = 64 * 1024;

  it('small sends: accepted only while the buffer stays within the limit, dropped past it', async () => {
    await using server = await startServer({ options: { maxBackpressure: LIMIT }, handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    const chunk = new Uint8Array(1024);
    let result: SendResult = 'written';
    let sends = 0;
    while (result !== 'dropped' && sends < 200_000) {
      result = conn.sendBinary(chunk);
      sends++;
      if (result !== 'dropped') assert.ok(conn.bufferedAmount <= LIMIT + 16, `accepted a send with ${conn.bufferedAmount} bytes buffered`);
    }
    assert.equal(result, 'dropped');
    assert.ok(conn.bufferedAmount + 1024 > LIMIT, 'dropped only once the frame would not fit');
    tcp.resume();
    await conn.drain();
    assert.equal(conn.sendBinary(chunk), 'written');
    await conn.close();
  });

  it('a subscriber whose buffer others filled through a topic has its next send dropped', async () => {
    await using server = await startServer({ options: { maxBackpressure: LIMIT }, handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    assert.equal(conn.sendText('before subscribing'), 'written');
    assert.equal(conn.subscribe('feed'), true);
    const chunk = new Uint8Array(16 * 1024);
    for (let i = 0; i < 10_000 && conn.bufferedAmount <= LIMIT; i++) server.hub.publish('feed', chunk);
    assert.ok(conn.bufferedAmount > LIMIT);
    assert.equal(conn.sendText('one more'), 'dropped');
    tcp.resume();
    await conn.drain();
    await conn.close();
  });
});
