// The offline queue: what happens to calls made while the client is not connected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClientError, createClient } from '@kindling/client';
import { WebSocket } from './socket.js';
import { echo, TestWsServer } from './ws-server.js';
import { nextState, rejection, within } from './wait.js';

type Contract = { requests: { echo: { data: string; reply: string }; note: { data: string; reply: undefined } }; emits: {} };
const fast = { baseMs: 20, capMs: 100 };

/** A server that is down: started to get a free port, then stopped. */
async function downServer(): Promise<TestWsServer> {
  const server = await TestWsServer.start(echo);
  await server.stop();
  return server;
}

test('calls made while offline are queued up to max, sent in order on open; the rest fail at once', async () => {
  await using server = await downServer();
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast, queue: { max: 3 } });
  const dropped: ClientError[] = [];
  client.onError((error) => dropped.push(error));
  try {
    await nextState(client, 'reconnecting');
    assert.equal(client.emit('note', 'first'), true);
    const queued = client.request('echo', 'second');
    assert.equal(client.emit('note', 'third'), true);
    assert.equal(client.emit('note', 'over'), false);
    const full = await rejection(client.request('echo', 'over too'));
    assert.equal(full.kind, 'offline-queue-full');
    assert.deepEqual(
      dropped.map((e) => e.kind),
      ['offline-queue-full'],
    );

    await server.listen();
    assert.equal(await within(queued, 'the queued reply'), 'second');
    const peer = await server.peer(1);
    await within(
      peer.frame((f) => f['data'] === 'third'),
      'the last queued frame',
    );
    assert.deepEqual(
      peer.frames.map((f) => f['data']),
      ['first', 'second', 'third'],
    );
  } finally {
    client.close();
  }
});

test("queue.requests 'reject' fails offline requests at once; a request's own queue option overrides it", async () => {
  await using server = await downServer();
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast, queue: { requests: 'reject' } });
  try {
    const offline = await rejection(client.request('echo', 'now or never'));
    assert.equal(offline.kind, 'offline');
    assert.equal(client.emit('note', 'emits still queue'), true);
    const held = client.request('echo', 'held', { queue: true });
    await server.listen();
    assert.equal(await within(held, 'the held reply'), 'held');
  } finally {
    client.close();
  }
});

test('a queued request times out like any other and is then not sent', async () => {
  await using server = await downServer();
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast });
  try {
    const error = await rejection(client.request('echo', 'expired', { timeoutMs: 100 }));
    assert.equal(error.kind, 'timeout');
    client.emit('note', 'marker');
    await server.listen();
    const peer = await server.peer(1);
    await within(
      peer.frame((f) => f['data'] === 'marker'),
      'the marker',
    );
    assert.deepEqual(
      peer.frames.map((f) => f['data']),
      ['marker'],
    );
  } finally {
    client.close();
  }
});

test('close() rejects queued requests with closed and forgets queued emits', async () => {
  await using server = await downServer();
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast });
  const queued = client.request('echo', 'never sent');
  client.emit('note', 'never sent either');
  client.close();
  assert.equal((await rejection(queued)).kind, 'closed');
  await server.listen();
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(server.peers.length, 0, 'a closed client does not connect');
});

test('queue.max 0 queues nothing', async () => {
  await using server = await downServer();
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast, queue: { max: 0 } });
  try {
    assert.equal(client.emit('note', 'x'), false);
    assert.equal((await rejection(client.request('echo', 'x'))).kind, 'offline-queue-full');
  } finally {
    client.close();
  }
});
