// What the chat adds around the shared cases: its message rate limit and the page (and client) it serves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { CHAT_RATE_LIMIT } from '../src/chat-policies.js';
import { createChatRouter } from '../src/chat-router.js';

const token = 'secret';

describe('chat policies', () => {
  test('chat.send over the rate limit is answered RATE_LIMITED with its id and retryAfterMs, not relayed; the connection stays open', async () => {
    const rateLimit = { messages: 1, perMs: 60_000, burst: 2 };
    await using server = await TestServer.start(createChatRouter({ token, rateLimit }));
    const ada = await server.ws('/chat/lobby/ada', { query: { token } });
    await ada.expectJson({ type: 'chat.welcome' });
    const bob = await server.ws('/chat/lobby/bob', { query: { token } });
    await bob.expectJson({ type: 'chat.welcome' });
    await ada.expectJson({ type: 'chat.join' });
    // One at a time: how replies interleave with an immediate refusal depends on how the engine
    // batches frames that arrive together.
    for (const [i, text] of ['one', 'two'].entries()) {
      ada.sendJson({ type: 'chat.send', id: i + 1, data: { text } });
      await ada.expectJson({ id: i + 1, data: { text } });
    }
    ada.sendJson({ type: 'chat.send', id: 3, data: { text: 'three' } });
    const limited = (await ada.expectJson({ error: { code: 'RATE_LIMITED', id: 3 } })) as { error: { details: { retryAfterMs: number } } };
    assert.ok(limited.error.details.retryAfterMs > 0);
    await bob.expectJson({ type: 'chat.message', data: { text: 'one' } });
    await bob.expectJson({ type: 'chat.message', data: { text: 'two' } });
    await bob.expectNoMessage(100);
    assert.equal(ada.isOpen, true);
  });

  test('the default limit: 10 at once, then 5 a second', () => {
    assert.deepEqual({ ...CHAT_RATE_LIMIT }, { messages: 5, perMs: 1_000, burst: 10 });
  });

  test('the page is served at / with its script and stylesheet; the API routes still win', async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    await server
      .request('GET', '/')
      .expectStatus(200)
      .expectHeader('content-type', /^text\/html/)
      .expectText(/<title>Kindling chat<\/title>/);
    for (const file of ['/app.js', '/chat-client.js', '/vendor/kindling-client/index.js', '/vendor/kindling-client/client.js']) {
      await server
        .request('GET', file)
        .expectStatus(200)
        .expectHeader('content-type', /javascript/);
    }
    await server.request('GET', '/backoff.js').expectStatus(404);
    await server
      .request('GET', '/style.css')
      .expectStatus(200)
      .expectHeader('content-type', /^text\/css/);
    await server.request('GET', '/nothing-here.js').expectStatus(404);
    await server.request('GET', '/health').expectJson({ ok: true });
  });

  test('publicDir: false serves no page', async () => {
    await using server = await TestServer.start(createChatRouter({ token, publicDir: false }));
    await server.request('GET', '/').expectStatus(404);
    await server.request('GET', '/vendor/kindling-client/index.js').expectStatus(404);
    await server.request('GET', '/health').expectJson({ ok: true });
  });
});
