// A request and its typed reply as the chat page uses them, in a real headless Chromium.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createChatRouter } from '../src/chat-router.js';
import { join, say, skip, status, token, useBrowser, WAIT } from './browser-page.js';

describe('chat in a browser: a reply', () => {
  const openChat = useBrowser();

  test("a request gets its typed reply: the sender's own message is drawn from chat.send's reply, with the server's time", { skip }, async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    const page = await openChat(server.url);
    await join(page, 'ada', 'lobby');
    await status(page, 'connected');
    // A second member on a raw socket sees the same message with the same timestamp.
    const bob = await server.ws('/chat/lobby/bob', { query: { token } });
    await bob.expectJson({ type: 'chat.welcome' });
    await say(page, 'stamped by the server');
    const event = (await bob.expectJson({ type: 'chat.message', data: { user: 'ada', text: 'stamped by the server' } })) as { data: { at: string } };
    const mine = page.locator('#messages li.message.mine', { hasText: 'stamped by the server' });
    await mine.waitFor(WAIT);
    assert.equal(await mine.locator('time').getAttribute('datetime'), event.data.at);
    assert.equal(await page.inputValue('#message'), '');
  });
});
