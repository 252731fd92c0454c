// What the chat adds around the shared cases: its message rate limit and the page it serves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { CHAT_RATE_LIMIT } from '../src/chat-policies.js';
import { createChatRouter } from '../src/chat-router.js';

const token = 'secret';

describe('chat policies', () => {
  test('messages over the rate limit are dropped with a RATE_LIMITED notice; the connection stays open', async () => {
    const rateLimit = { messages: 1, perMs: 60_000, burst: 2, policy: 'notify' } as const;
    await using server = await TestServer.start(createChatRouter({ token, rateLimit }));
    const ada = await server.ws('/chat/lobby/ada', { query: { token } });
    await ada.expectJson({ type: 'welcome' });
    // One at a time: how replies interleave with an immediate notice depends on how the engine
    // batches frames that arrive together.
    for (const text of ['one', 'two']) {
      ada.sendJson({ type: 'message', text });
      await ada.expectJson({ type: 'message', text });
    }
    ada.sendJson({ type: 'message', text: 'three' });
    await ada.expectJson({ error: { code: 'RATE_LIMITED' } });
    await ada.expectNoMessage(100);
    assert.equal(ada.isOpen, true);
  });

  test('the default limit notifies instead of closing', () => {
    assert.equal(CHAT_RATE_LIMIT.policy, 'notify');
  });

  test('the page is served at / with its script and stylesheet; the API routes still win', async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    await server.request('GET', '/').expectStatus(200).expectHeader('content-type', /^text\/html/).expectText(/<title>Kindling chat<\/title>/);
    for (const file of ['/app.js', '/chat-client.js', '/backoff.js']) {
      await server.request('GET', file).expectStatus(200).expectHeader('content-type', /javascript/);
    }
    await server.request('GET', '/style.css').expectStatus(200).expectHeader('content-type', /^text\/css/);
    await server.request('GET', '/nothing-here.js').expectStatus(404);
    await server.request('GET', '/health').expectJson({ ok: true });
  });

  test('publicDir: false serves no page', async () => {
    await using server = await TestServer.start(createChatRouter({ token, publicDir: false }));
    await server.request('GET', '/').expectStatus(404);
    await server.request('GET', '/health').expectJson({ ok: true });
  });
});
