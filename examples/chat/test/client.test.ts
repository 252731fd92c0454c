// @kindling/client, typed by the chat's own definition, against the real chat server.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { type Client, ClientError, createClient, type StateChange } from '@kindling/client';
import { App } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { WebSocket } from 'ws';
import type { ChatContract } from '../src/chat-events.js';
import { createChatRouter } from '../src/chat-router.js';

const token = 'secret';
const LIMIT_MS = 10_000;

function connect(base: string, user: string, options: Parameters<typeof createClient>[1] = {}): Client<ChatContract> {
  return createClient<ChatContract>(`${base.replace(/^http/, 'ws')}/chat/lobby/${user}?token=${token}`, { WebSocket, ...options });
}

function next<T>(subscribe: (resolve: (value: T) => void) => () => void, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, LIMIT_MS);
    const off = subscribe((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}
const welcome = (client: Client<ChatContract>) => next<ChatContract['emits']['chat.welcome']>((r) => client.on('chat.welcome', r), 'chat.welcome');
const state = (client: Client<ChatContract>, wanted: StateChange['state']) =>
  next<StateChange>((r) => client.onState((change) => change.state === wanted && r(change)), `state ${wanted}`);

test('a typed request gets the message back as its reply; the other member gets it as chat.message', async () => {
  await using server = await TestServer.start(createChatRouter({ token, publicDir: false }));
  const ada = connect(server.url, 'ada');
  const bob = connect(server.url, 'bob');
  try {
    await welcome(ada);
    await welcome(bob);
    const heard = next<ChatContract['emits']['chat.message']>((r) => bob.on('chat.message', r), 'chat.message');
    const reply = await ada.request('chat.send', { text: 'hello bob' });
    assert.equal(reply.user, 'ada');
    assert.equal(reply.text, 'hello bob');
    assert.deepEqual(await heard, reply);
  } finally {
    ada.close();
    bob.close();
  }
});

test("the server's refusals arrive as ClientError kind server: VALIDATION_FAILED, RATE_LIMITED with retryAfterMs", async () => {
  // Two at once: the invalid message counts toward the limit too.
  await using server = await TestServer.start(createChatRouter({ token, publicDir: false, rateLimit: { messages: 1, perMs: 60_000, burst: 2 } }));
  const ada = connect(server.url, 'ada');
  try {
    await welcome(ada);
    const invalid = await ada.request('chat.send', { text: '' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(invalid instanceof ClientError);
    assert.equal(invalid.kind, 'server');
    assert.equal(invalid.code, 'VALIDATION_FAILED');
    await ada.request('chat.send', { text: 'one' });
    const limited = await ada.request('chat.send', { text: 'two' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(limited instanceof ClientError);
    assert.equal(limited.code, 'RATE_LIMITED');
    assert.ok((limited.details as { retryAfterMs: number }).retryAfterMs > 0);
    assert.equal(ada.state, 'open');
  } finally {
    ada.close();
  }
});

test('liveness pings are answered by the chat, so a quiet connection stays open well past the deadline', async () => {
  await using server = await TestServer.start(createChatRouter({ token, publicDir: false }));
  const ada = connect(server.url, 'ada', { liveness: { timeoutMs: 2_500, pingMs: 150 } });
  const changes: string[] = [];
  const errors: string[] = [];
  ada.onState((change) => changes.push(change.state));
  ada.onError((error) => errors.push(`${error.kind} ${error.message}`));
  try {
    await welcome(ada);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.deepEqual(changes, ['open']);
    assert.deepEqual(errors, []);
    assert.equal((await ada.request('chat.send', { text: 'still here' })).text, 'still here');
  } finally {
    ada.close();
  }
});

test('a server restart: the client reconnects on its own, is welcomed again and chats', async () => {
  const port = await freePort();
  let app = new App(createChatRouter({ token, publicDir: false }), { logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  const ada = connect(`http://127.0.0.1:${port}`, 'ada', { reconnect: { baseMs: 50, capMs: 200 } });
  try {
    await welcome(ada);
    const lost = state(ada, 'reconnecting');
    await app.shutdown({ timeoutMs: 2_000 });
    const change = await lost;
    assert.equal(change.code, 1001);
    app = new App(createChatRouter({ token, publicDir: false }), { logger: false });
    const again = welcome(ada);
    await app.listen({ port, host: '127.0.0.1' });
    assert.deepEqual((await again).members, ['ada']);
    assert.equal((await ada.request('chat.send', { text: 'back' })).text, 'back');
  } finally {
    ada.close();
    await app.shutdown({ timeoutMs: 2_000 });
  }
});

/** A port that is free now (uWS sets SO_REUSEADDR only on an explicit port; see browser.test.ts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
