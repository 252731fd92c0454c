// Dead-link detection: $ping after pingMs of silence, a reconnect after timeoutMs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '@kindling/client';
import { WebSocket } from './socket.js';
import { echo, TestWsServer } from './ws-server.js';
import { nextState, recordStates, within } from './wait.js';

type Contract = { requests: {}; emits: {} };

test('a silent server gets a $ping after pingMs; with no frame back by timeoutMs the client drops the link and reconnects', async () => {
  // A frozen peer: it reads frames but never answers, as a half-dead link looks from a browser.
  await using server = await TestWsServer.start(() => {});
  const started = Date.now();
  const client = createClient<Contract>(server.url, { WebSocket, liveness: { timeoutMs: 400, pingMs: 150 }, reconnect: { baseMs: 20, capMs: 50 } });
  try {
    await nextState(client, 'open');
    const peer = await server.peer(1);
    const ping = await within(
      peer.frame((f) => f['type'] === '$ping'),
      'the $ping',
    );
    assert.equal(typeof ping['id'], 'number');
    const dropped = await nextState(client, 'reconnecting');
    assert.ok(Date.now() - started >= 395, 'not before the deadline');
    assert.equal(dropped.code, 1006);
    assert.match(dropped.reason ?? '', /no frame for 400 ms/);
    await within(server.peer(2), 'the reconnection');
  } finally {
    client.close();
  }
});

test('a server that answers $ping keeps the link alive well past timeoutMs, and the answers are not unknown replies', async () => {
  await using server = await TestWsServer.start(echo);
  const client = createClient<Contract>(server.url, { WebSocket, liveness: { timeoutMs: 2_500, pingMs: 100 } });
  const states = recordStates(client);
  const errors: string[] = [];
  client.onError((error) => errors.push(error.kind));
  try {
    await nextState(client, 'open');
    const peer = await server.peer(1);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.ok(peer.frames.filter((f) => f['type'] === '$ping').length >= 3, 'pings were sent');
    assert.deepEqual(
      states.map((s) => s.state),
      ['open'],
    );
    assert.deepEqual(errors, []);
  } finally {
    client.close();
  }
});

test('any frame proves life: an error envelope answering the $ping keeps the link too', async () => {
  await using server = await TestWsServer.start((peer) =>
    peer.socket.on('message', (data) => {
      const { id } = JSON.parse(String(data)) as { id: number };
      peer.send({ error: { code: 'UNKNOWN_EVENT', message: 'Unknown event $ping', id } });
    }),
  );
  const client = createClient<Contract>(server.url, { WebSocket, liveness: { timeoutMs: 2_500, pingMs: 100 } });
  const states = recordStates(client);
  const errors: string[] = [];
  client.onError((error) => errors.push(error.kind));
  try {
    await nextState(client, 'open');
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.deepEqual(
      states.map((s) => s.state),
      ['open'],
    );
    assert.deepEqual(errors, [], 'an error answering a $ping is not reported');
  } finally {
    client.close();
  }
});
