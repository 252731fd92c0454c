// The chat page in a real headless Chromium, against the real server on 127.0.0.1.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createChatRouter } from '../src/chat-router.js';
import { entry, join, say, skip, status, token, useBrowser, WAIT } from './browser-page.js';

// dist/test/ → the repository's docs/images/. Rewritten only when missing or on request, so a
// test run does not leave a changed binary in the working tree.
const SCREENSHOT = fileURLToPath(new URL('../../../../docs/images/chat.png', import.meta.url));
const UPDATE_SCREENSHOT = process.env['UPDATE_SCREENSHOTS'] === '1' || !existsSync(SCREENSHOT);

describe('chat in a browser', () => {
  const openChat = useBrowser();

  test('two pages in one room: join notice, a message each way, a leave notice when a page closes', { skip }, async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    const ada = await openChat(server.url);
    await join(ada, 'ada', 'lobby');
    await status(ada, 'connected');
    await entry(ada, 'You joined #lobby as ada');

    const bob = await openChat(server.url);
    await join(bob, 'bob', 'lobby');
    await status(bob, 'connected');
    await entry(ada, 'bob joined');
    await ada.locator('#members li[data-user="bob"]').waitFor(WAIT);

    await say(bob, 'hello from bob');
    await ada.locator('#messages li.message', { hasText: 'hello from bob' }).filter({ hasText: 'bob' }).waitFor(WAIT);
    await say(ada, 'hi bob, welcome to Kindling');
    await bob.locator('#messages li.message', { hasText: 'hi bob, welcome to Kindling' }).waitFor(WAIT);

    if (UPDATE_SCREENSHOT) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await ada.screenshot({ path: SCREENSHOT });
    }

    await bob.close();
    await entry(ada, 'bob left');
    await ada.locator('#members li[data-user="bob"]').waitFor({ ...WAIT, state: 'detached' });
  });
});
