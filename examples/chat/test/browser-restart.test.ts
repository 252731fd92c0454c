// A server restart as the chat page lives it, in a real headless Chromium.
import { describe, test } from 'node:test';
import { App } from '@kindling/core';
import { createChatRouter } from '../src/chat-router.js';
import { entry, freePort, join, say, skip, status, token, useBrowser, WAIT } from './browser-page.js';

describe('chat in a browser: a server restart', () => {
  const openChat = useBrowser();

  test('after a server restart on the same port the page says so, reconnects with backoff and chats again', { skip }, async () => {
    const port = await freePort();
    let app = new App(createChatRouter({ token }), { logger: false });
    await app.listen({ port, host: '127.0.0.1' });
    try {
      const page = await openChat(`http://127.0.0.1:${port}`);
      await join(page, 'ada', 'lobby');
      await status(page, 'connected');

      await app.shutdown({ timeoutMs: 2_000 });
      await entry(page, 'The server is restarting');
      await status(page, 'reconnecting');
      // While it is down every attempt fails; the banner counts them.
      await page.locator('#banner', { hasText: /^The server is unreachable\. Reconnecting in \d+\.\d s \(attempt ([2-9]|\d\d+)\)/ }).waitFor(WAIT);

      app = new App(createChatRouter({ token }), { logger: false });
      await app.listen({ port, host: '127.0.0.1' });
      await entry(page, 'Reconnected after');
      await status(page, 'connected');
      await page.locator('#banner').waitFor({ ...WAIT, state: 'hidden' });
      await say(page, 'back again');
      await page.locator('#messages li.message', { hasText: 'back again' }).waitFor(WAIT);
    } finally {
      await app.shutdown({ timeoutMs: 2_000 });
    }
  });
});
