// Requests, replies, server events and errors, through a real socket on 127.0.0.1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, createClient } from '@kindling/client';
import { WebSocket } from './socket.js';
import { echo, silent, TestWsServer } from './ws-server.js';
import { nextError, nextState, rejection, within } from './wait.js';

type Contract = {
  requests: {
    echo: { data: { text: string }; reply: { text: string } };
    note: { data: { text: string }; reply: undefined };
    tick: { data: undefined; reply: number };
  };
  emits: { news: { headline: string }; bye: undefined };
};

test('a request gets its reply; the wire carries { type, id, data } and an emit has no id', async () => {
  await using server = await TestWsServer.start();
  const client = createClient<Contract>(server.url, { WebSocket });
  try {
    const reply = await within(client.request('echo', { text: 'hi' }), 'the reply');
    assert.deepEqual(reply, { text: 'hi' });
    assert.equal(client.emit('note', { text: 'fire and forget' }), true);
    const peer = await server.peer(1);
    const note = await within(
      peer.frame((f) => f['type'] === 'note'),
      'the emit',
    );
    assert.deepEqual(peer.frames[0], { type: 'echo', id: 1, data: { text: 'hi' } });
    assert.deepEqual(note, { type: 'note', data: { text: 'fire and forget' } });
  } finally {
    client.close();
  }
});

test('server events reach the listeners of their type until they unsubscribe', async () => {
  await using server = await TestWsServer.start(silent);
  const client = createClient<Contract>(server.url, { WebSocket });
  try {
    const peer = await server.peer(1);
    const seen: string[] = [];
    const off = client.on('news', (news) => seen.push(news.headline));
    const bye = new Promise<void>((resolve) => client.on('bye', () => resolve()));
    peer.send({ type: 'news', data: { headline: 'one' } });
    peer.send({ type: 'other', data: { headline: 'not mine' } });
    peer.send({ type: 'bye' });
    await within(bye, 'the bye event');
    off();
    peer.send({ type: 'news', data: { headline: 'two' } });
    peer.send({ type: 'bye' });
    await within(new Promise<void>((resolve) => client.on('bye', () => resolve())), 'the second bye');
    assert.deepEqual(seen, ['one']);
  } finally {
    client.close();
  }
});

test("an error envelope with the request's id rejects it with kind server and the server's code, message and details", async () => {
  await using server = await TestWsServer.start((peer) =>
    peer.socket.on('message', (data) => {
      const { id } = JSON.parse(String(data)) as { id: number };
      peer.send({ error: { code: 'VALIDATION_FAILED', message: 'Validation failed', details: [{ property: 'text' }], id } });
    }),
  );
  const client = createClient<Contract>(server.url, { WebSocket });
  try {
    const error = await rejection(client.request('echo', { text: '' }));
    assert.ok(error instanceof ClientError);
    assert.equal(error.kind, 'server');
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.message, 'Validation failed');
    assert.deepEqual(error.details, [{ property: 'text' }]);
    assert.equal(error.id, 1);
    assert.equal(client.state, 'open', 'an error reply does not close the connection');
  } finally {
    client.close();
  }
});

test('an error envelope without an id goes to onError; a frame that is not JSON too; the connection stays', async () => {
  await using server = await TestWsServer.start(silent);
  const client = createClient<Contract>(server.url, { WebSocket });
  try {
    const peer = await server.peer(1);
    const serverError = nextError(client, 'server');
    peer.send({ error: { code: 'RATE_LIMITED', message: 'Too many messages', details: { retryAfterMs: 900 } } });
    const error = await serverError;
    assert.equal(error.code, 'RATE_LIMITED');
    assert.deepEqual(error.details, { retryAfterMs: 900 });
    const protocol = nextError(client, 'protocol');
    peer.send('not json');
    assert.equal((await protocol).details, 'not json');
    assert.equal(client.state, 'open');
  } finally {
    client.close();
  }
});

test('no reply within timeoutMs rejects with kind timeout; the late reply is then reported as unknown', async () => {
  await using server = await TestWsServer.start(silent);
  const client = createClient<Contract>(server.url, { WebSocket, timeoutMs: 60_000 });
  try {
    const started = Date.now();
    const error = await rejection(client.request('echo', { text: 'slow' }, { timeoutMs: 150 }));
    assert.equal(error.kind, 'timeout');
    assert.ok(Date.now() - started >= 140, 'not before its timeout');
    const peer = await server.peer(1);
    const unknown = nextError(client, 'unknown-reply');
    peer.send({ id: error.id, data: { text: 'too late' } });
    assert.equal((await unknown).id, error.id);
  } finally {
    client.close();
  }
});

test('a reply for an unknown id and a second reply for the same id are ignored and reported', async () => {
  await using server = await TestWsServer.start(silent);
  const client = createClient<Contract>(server.url, { WebSocket });
  try {
    const unknown: unknown[] = [];
    client.onError((error) => {
      if (error.kind === 'unknown-reply') unknown.push(error.id);
    });
    const reply = client.request('echo', { text: 'once' });
    const peer = await server.peer(1);
    const frame = await within(peer.frame(), 'the request');
    peer.send({ id: 999, data: { text: 'stray' } });
    peer.send({ id: frame['id'], data: { text: 'first' } });
    peer.send({ id: frame['id'], data: { text: 'duplicate' } });
    peer.send({ error: { code: 'INTERNAL', message: 'stray error', id: 1000 } });
    assert.deepEqual(await within(reply, 'the reply'), { text: 'first' });
    // A request sent after the strays proves they were all read.
    const later = client.request('echo', { text: 'later' });
    const next = await within(
      peer.frame((f) => f['id'] !== frame['id']),
      'the second request',
    );
    peer.send({ id: next['id'], data: { text: 'later' } });
    await within(later, 'the second reply');
    assert.deepEqual(unknown, [999, frame['id'], 1000]);
  } finally {
    client.close();
  }
});

test('close() rejects requests in flight with kind closed and sends the close code; later calls fail at once', async () => {
  await using server = await TestWsServer.start(silent);
  const client = createClient<Contract>(server.url, { WebSocket });
  const peer = await server.peer(1);
  const closedOnServer = new Promise<number>((resolve) => peer.socket.on('close', (code) => resolve(code)));
  const inFlight = client.request('echo', { text: 'never answered' });
  await within(peer.frame(), 'the request');
  const closed = nextState(client, 'closed');
  client.close(1000, 'bye');
  assert.equal((await rejection(inFlight)).kind, 'closed');
  assert.deepEqual(await closed, { state: 'closed', attempt: 0, code: 1000, reason: 'bye' });
  assert.equal(await within(closedOnServer, 'the close on the server'), 1000);
  assert.equal((await rejection(client.request('echo', { text: 'after' }))).kind, 'closed');
  assert.equal(client.emit('note', { text: 'after' }), false);
});

test('close() with a code a browser would refuse is a RangeError, and the client stays usable', async () => {
  await using server = await TestWsServer.start();
  const client = createClient<Contract>(server.url, { WebSocket });
  try {
    assert.throws(() => client.close(1006), /1000 or 3000-4999, got 1006/);
    assert.deepEqual(await within(client.request('echo', { text: 'still' }), 'the reply'), { text: 'still' });
  } finally {
    client.close(4000, 'done');
  }
});

test('with the global WebSocket (Node 22+) the same round trip works without the option', {
  skip: typeof globalThis.WebSocket !== 'function' && 'no global WebSocket on this Node',
}, async () => {
  await using server = await TestWsServer.start(echo);
  const client = createClient<Contract>(server.url);
  try {
    assert.deepEqual(await within(client.request('echo', { text: 'global' }), 'the reply'), { text: 'global' });
  } finally {
    client.close();
  }
});

test('without a global WebSocket and without the option, createClient says what to pass', {
  skip: typeof globalThis.WebSocket === 'function' && 'this Node has a global WebSocket',
}, () => {
  assert.throws(() => createClient('ws://127.0.0.1:1/'), /pass options\.WebSocket/);
});
