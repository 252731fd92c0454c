// A refused join as the chat page explains it, in a real headless Chromium.
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createChatRouter } from '../src/chat-router.js';
import { join, skip, status, token, useBrowser, WAIT } from './browser-page.js';

describe('chat in a browser: a refused join', () => {
  const openChat = useBrowser();

  test('a refused join shows why: a wrong token, then a taken name', { skip }, async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    const page = await openChat(server.url);
    await join(page, 'ada', 'lobby', 'wrong-token');
    await page.locator('#join-error', { hasText: 'Invalid or missing token (401 UNAUTHORIZED)' }).waitFor(WAIT);
    await page.locator('#chat').waitFor({ ...WAIT, state: 'hidden' });

    const holder = await server.ws('/chat/lobby/ada', { query: { token } });
    await holder.expectJson({ type: 'chat.welcome' });
    await join(page, 'ada', 'lobby');
    await page.locator('#join-error', { hasText: 'ada is already in lobby (409 CONFLICT)' }).waitFor(WAIT);
    await status(page, 'offline');
  });
});
