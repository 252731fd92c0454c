// The chat page's answer to the rate limit, in a real headless Chromium against the real server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createChatRouter } from '../src/chat-router.js';
import { join, say, skip, status, token, useBrowser, WAIT } from './browser-page.js';

describe('chat in a browser: the rate limit', () => {
  const openChat = useBrowser();

  test('a message the rate limit refuses stays in the box, with ONE notice however often it happens', { skip }, async () => {
    const rateLimit = { messages: 1, perMs: 60_000, burst: 2 };
    await using server = await TestServer.start(createChatRouter({ token, rateLimit }));
    const page = await openChat(server.url);
    await join(page, 'ada', 'lobby');
    await status(page, 'connected');
    for (const text of ['one', 'two', 'three']) await say(page, text);
    const slowDown = page.locator('#messages li.notice', { hasText: /^Slow down: your message was not sent/ });
    await slowDown.waitFor(WAIT);
    await page.locator('#messages li.message', { hasText: 'two' }).waitFor(WAIT);
    // Not accepted: still in the box, not in the conversation.
    assert.equal(await page.inputValue('#message'), 'three');
    await page.locator('#messages li.message', { hasText: 'three' }).waitFor({ ...WAIT, state: 'detached' });
    // More attempts while limited: still one notice, still the text.
    await page.press('#message', 'Enter');
    await say(page, 'four');
    await page.press('#message', 'Enter');
    await page
      .locator('#messages li.notice')
      .last()
      .filter({ hasText: /^Slow down/ })
      .waitFor(WAIT);
    assert.equal(await slowDown.count(), 1);
    assert.equal(await page.inputValue('#message'), 'four');
    await status(page, 'connected');
  });
});
