// Reconnecting: backoff, the close codes that stop it, 1013, the URL provider, server restarts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, createClient, retryableClose } from '@kindling/client';
import { WebSocket } from './socket.js';
import { echo, silent, TestWsServer } from './ws-server.js';
import { nextError, nextState, recordStates, rejection, within } from './wait.js';

type Contract = { requests: { echo: { data: string; reply: string } }; emits: {} };
const fast = { baseMs: 20, capMs: 100 };

test('backoffDelay is full jitter: uniform in [0, min(cap, base * 2^attempt)), capped for any attempt', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 10, 1e6].map((a) => backoffDelay(a, 500, 30_000, () => 0)),
    [0, 0, 0, 0, 0, 0],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 10, 1e6].map((a) => backoffDelay(a, 500, 30_000, () => 0.999_999)),
    [499, 999, 1999, 3999, 29_999, 29_999],
  );
  const delays = Array.from({ length: 200 }, () => backoffDelay(4, 500, 30_000));
  assert.ok(delays.every((d) => d >= 0 && d < 8_000));
  assert.ok(new Set(delays).size > 50, 'jitter spreads the delays');
});

test('retryableClose: 1000 and 4400-4499 stop; going away, lost, policy and try-again codes retry', () => {
  for (const code of [1000, 4400, 4401, 4403, 4409, 4422, 4499]) assert.equal(retryableClose(code, ''), false, String(code));
  for (const code of [1001, 1006, 1008, 1011, 1012, 1013, 4000, 4500]) assert.equal(retryableClose(code, ''), true, String(code));
});

test('a server restart: requests in flight reject with closed, the client reconnects and the next request works', async () => {
  await using server = await TestWsServer.start(silent);
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast });
  try {
    await nextState(client, 'open');
    const inFlight = ['a', 'b', 'c'].map((data) => rejection(client.request('echo', data)));
    const peer = await server.peer(1);
    await within(
      peer.frame((f) => f['data'] === 'c'),
      'the third request',
    );
    const reconnecting = nextState(client, 'reconnecting');
    await server.stop(1001, 'Server shutting down');
    for (const request of inFlight) {
      const error = await request;
      assert.equal(error.kind, 'closed');
      assert.equal(error.code, 1001);
    }
    const change = await reconnecting;
    assert.equal(change.code, 1001);
    assert.equal(change.attempt, 1);
    // While the server is down the attempts fail (1006) and the attempt count grows.
    const failed = await nextState(client, 'reconnecting');
    assert.equal(failed.code, 1006);
    assert.ok(failed.attempt >= 2);
    server.onPeer = echo;
    const open = nextState(client, 'open');
    await server.listen();
    await open;
    assert.equal(await within(client.request('echo', 'back'), 'the reply after the restart'), 'back');
  } finally {
    client.close();
  }
});

test('the URL provider runs before every attempt; one that throws is reported and retried, never unhandled', async () => {
  await using server = await TestWsServer.start(echo);
  const calls: number[] = [];
  const client = createClient<Contract>(
    async (attempt) => {
      calls.push(attempt);
      if (calls.length === 2) throw new Error('token service down');
      return `${server.url}?token=t${calls.length}`;
    },
    { WebSocket, reconnect: { ...fast, minUptimeMs: 60_000 } },
  );
  try {
    await nextState(client, 'open');
    assert.equal((await server.peer(1)).url, '/ws?token=t1');
    const providerError = nextError(client, 'provider');
    const reopened = nextState(client, 'open');
    (await server.peer(1)).socket.close(1012, 'restart');
    const error = await providerError;
    assert.match(error.message, /token service down/);
    assert.ok(error.details instanceof Error);
    await reopened;
    assert.equal((await server.peer(2)).url, '/ws?token=t3');
    // attempt: 0 for the first, then 1 after the close, 2 after the provider failed.
    assert.deepEqual(calls, [0, 1, 2]);
  } finally {
    client.close();
  }
});

test('a close with 4401 stops for good: state closed with the code, no further attempt', async () => {
  await using server = await TestWsServer.start((peer) => peer.socket.close(4401, 'Token expired'));
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: fast });
  const closed = await nextState(client, 'closed');
  assert.equal(closed.code, 4401);
  assert.equal(closed.reason, 'Token expired');
  assert.equal(client.state, 'closed');
  assert.equal((await rejection(client.request('echo', 'x'))).kind, 'closed');
  // Many backoff windows later there is still one connection only.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(server.peers.length, 1);
});

test('a close with 1013 backs off for retryLaterMs to twice that before the next attempt', async () => {
  let closes = 0;
  await using server = await TestWsServer.start((peer) => {
    if (closes++ === 0) peer.socket.close(1013, 'Try again later');
  });
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: { ...fast, retryLaterMs: 300 } });
  try {
    const change = await nextState(client, 'reconnecting');
    assert.equal(change.code, 1013);
    assert.ok(change.delayMs! >= 300 && change.delayMs! < 600, `delay ${change.delayMs}`);
    const started = Date.now();
    await nextState(client, 'open');
    assert.ok(Date.now() - started >= 280, 'no attempt before the delay');
    assert.equal(server.peers.length, 2);
  } finally {
    client.close();
  }
});

test('closes right after opening keep growing the attempt count; a connection that stayed up minUptimeMs resets it', async () => {
  let peers = 0;
  await using server = await TestWsServer.start((peer) => {
    peers++;
    // Three short-lived connections, then one that stays until the test closes it.
    if (peers <= 3) peer.socket.close(1001, 'going away');
  });
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: { ...fast, minUptimeMs: 1_000 } });
  const states = recordStates(client);
  try {
    const fourth = await server.peer(4);
    if (client.state !== 'open') await nextState(client, 'open');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const reconnecting = nextState(client, 'reconnecting');
    fourth.socket.close(1001, 'going away');
    await reconnecting;
    const attempts = states.filter((s) => s.state === 'reconnecting').map((s) => s.attempt);
    assert.deepEqual(attempts, [1, 2, 3, 1]);
  } finally {
    client.close();
  }
});

test('reconnect: false stops at the first close', async () => {
  await using server = await TestWsServer.start((peer) => peer.socket.close(1001, 'going away'));
  const client = createClient<Contract>(server.url, { WebSocket, reconnect: false });
  const closed = await nextState(client, 'closed');
  assert.equal(closed.code, 1001);
});

test('an attempt that never opens is dropped after connectTimeoutMs and retried', async () => {
  // A TCP server that accepts and never answers the upgrade.
  const { createServer } = await import('node:net');
  const sockets: import('node:net').Socket[] = [];
  const tcp = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const { port } = tcp.address() as import('node:net').AddressInfo;
  const client = createClient<Contract>(`ws://127.0.0.1:${port}/`, { WebSocket, connectTimeoutMs: 150, reconnect: fast });
  try {
    const change = await nextState(client, 'reconnecting');
    assert.equal(change.code, 1006);
    assert.match(change.reason ?? '', /not open after 150 ms/);
  } finally {
    client.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => tcp.close(resolve));
  }
});
