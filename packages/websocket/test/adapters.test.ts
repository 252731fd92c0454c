import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchHandler, messageHandler, type Message, type WebSocketConnection } from '@kindling/websocket';
import { delay, failOnEscapes, startServer, TestClient } from './fixture.js';

failOnEscapes();

function text(msg: Message): string {
  return msg.type === 'text' ? msg.text : Buffer.from(msg.data).toString('utf8');
}

/** A small deterministic PRNG, so a failing run can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await delay(10);
  assert.ok(check(), `timed out waiting until ${what}`);
}

describe('messageHandler over a socket', { timeout: 20_000 }, () => {
  it('replies in order even when the async handler takes a random time per message', async () => {
    const next = random(7);
    await using server = await startServer({
      handler: messageHandler(async (ws, msg) => {
        if (next() < 0.3) await delay(Math.floor(next() * 3));
        return `echo ${text(msg)}`;
      }),
    });
    await using client = await TestClient.connect(server.url);
    const count = 500;
    for (let i = 0; i < count; i++) client.socket.send(String(i));
    for (let i = 0; i < count; i++) assert.equal((await client.next()).text, `echo ${i}`);
  });

  it('takes over messages that queued before it was attached, keeping their order', async () => {
    const seen: string[] = [];
    await using server = await startServer({
      handler: async (ws) => {
        const hello = await ws.recv();
        seen.push(`hello ${hello === null ? 'none' : text(hello)}`);
        await delay(30); // meanwhile the client's next messages queue up in the inbox
        return messageHandler((conn: WebSocketConnection, msg) => void seen.push(text(msg)))(ws);
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send('hi');
    for (let i = 0; i < 50; i++) client.socket.send(String(i));
    await delay(50);
    for (let i = 50; i < 60; i++) client.socket.send(String(i));
    await waitUntil(() => seen.length === 61, 'all 61 messages were handled');
    assert.deepEqual(seen, ['hello hi', ...Array.from({ length: 60 }, (_, i) => String(i))]);
  });

  it('refuses a second adapter on the same connection', async () => {
    await using server = await startServer({
      handler: async (ws) => {
        void messageHandler(() => undefined)(ws);
        await messageHandler(() => undefined)(ws);
      },
    });
    await using client = await TestClient.connect(server.url);
    assert.equal((await client.closed).code, 1011);
    const logged = (await server.logs.waitFor('ws.handler_error'))['err'] as { message?: string } | undefined;
    assert.match(logged?.message ?? '', /already has a message handler/);
  });
});

describe('batchHandler over sockets', { timeout: 20_000 }, () => {
  it('hands every message to the handler exactly once, in order, under random disconnects', async () => {
    const size = 8;
    const received = new Map<string, string[]>();
    const batchSizes: number[] = [];
    const next = random(42);
    await using server = await startServer({
      options: { maxQueuedMessages: 4096 },
      handler: batchHandler(
        async (ws, msgs) => {
          batchSizes.push(msgs.length);
          for (const msg of msgs) {
            const [client] = text(msg).split(':');
            const list = received.get(client ?? '') ?? [];
            list.push(text(msg));
            received.set(client ?? '', list);
          }
          if (next() < 0.5) await delay(Math.floor(next() * 4));
        },
        { size, timeoutMs: 3 },
      ),
    });

    const sent = new Map<string, string[]>();
    const clients = Array.from({ length: 16 }, async (_, c) => {
      const rnd = random(1000 + c);
      const client = await TestClient.connect(server.url);
      const messages: string[] = [];
      const total = Math.floor(rnd() * 200);
      for (let seq = 0; seq < total; seq++) {
        const message = `${c}:${seq}`;
        messages.push(message);
        await new Promise<void>((resolve, reject) => client.socket.send(message, (err) => (err ? reject(err) : resolve())));
        if (rnd() < 0.05) await delay(Math.floor(rnd() * 8));
      }
      sent.set(String(c), messages);
      // Everything was handed to the kernel: a graceful close or an abrupt one loses nothing.
      if (rnd() < 0.5) client.socket.close(1000);
      else client.socket.terminate();
      await client.closed;
    });
    await Promise.all(clients);
    await waitUntil(() => server.hub.connections.size === 0, 'every connection closed on the server');
    await waitUntil(() => [...sent].every(([c, msgs]) => (received.get(c)?.length ?? 0) === msgs.length), 'every message was handled');
    for (const [c, msgs] of sent) assert.deepEqual(received.get(c) ?? [], msgs, `client ${c}: the same messages, in order`);
    assert.ok(
      batchSizes.every((n) => n >= 1 && n <= size),
      'no batch is empty or larger than size',
    );
    assert.ok(
      batchSizes.some((n) => n === size),
      'some batches filled up',
    );
  });

  it('closeAll() hands the partial batch to the handler before the 1001 goes out', async () => {
    const batches: { texts: string[]; open: boolean }[] = [];
    await using server = await startServer({
      handler: batchHandler((ws, msgs) => void batches.push({ texts: msgs.map(text), open: ws.isOpen }), { size: 100, timeoutMs: 60_000 }),
    });
    await using client = await TestClient.connect(server.url);
    for (const t of ['a', 'b', 'c']) client.socket.send(t);
    const conn = await server.connection();
    await waitUntil(() => conn.messagesIn === 3, 'the server received the three messages');
    assert.deepEqual(batches, [], 'a partial batch waits for its timeout');
    const result = await server.hub.closeAll({ reason: 'maintenance' });
    assert.deepEqual(batches, [{ texts: ['a', 'b', 'c'], open: true }]);
    assert.deepEqual(result, { closed: 1, forced: 0 });
    assert.deepEqual(await client.closed, { code: 1001, reason: 'maintenance', error: undefined });
  });
});
