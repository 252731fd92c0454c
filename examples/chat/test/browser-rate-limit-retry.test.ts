// The chat page sending a kept message once the rate limit allows, in a real headless Chromium.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createChatRouter } from '../src/chat-router.js';
import { join, say, skip, status, token, useBrowser, WAIT } from './browser-page.js';

describe('chat in a browser: after the rate limit', () => {
  const openChat = useBrowser();

  test('once the limit allows again, the kept text is sent and the box clears', { skip }, async () => {
    const rateLimit = { messages: 1, perMs: 2_000, burst: 1 };
    await using server = await TestServer.start(createChatRouter({ token, rateLimit }));
    const page = await openChat(server.url);
    await join(page, 'ada', 'lobby');
    await status(page, 'connected');
    await say(page, 'first');
    await page.locator('#messages li.message', { hasText: 'first' }).waitFor(WAIT);
    await say(page, 'second');
    await page.locator('#messages li.notice', { hasText: /^Slow down/ }).waitFor(WAIT);
    assert.equal(await page.inputValue('#message'), 'second');
    // Press Enter until the limit lets it through (about 2 s); the page sends nothing before.
    const sent = page.locator('#messages li.message', { hasText: 'second' });
    for (let tries = 0; tries < 40 && (await sent.count()) === 0; tries++) {
      await page.press('#message', 'Enter');
      await sent.waitFor({ timeout: 250 }).catch(() => undefined);
    }
    await sent.waitFor(WAIT);
    assert.equal(await page.inputValue('#message'), '');
    assert.equal(await page.locator('#messages li.notice', { hasText: /^Slow down/ }).count(), 1);
  });
});
