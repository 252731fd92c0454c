// The chat page in a real headless Chromium, against the real server on 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, test } from 'node:test';
import { App } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createChatRouter } from '../src/chat-router.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// dist/test/ → the repository's docs/images/. Rewritten only when missing or on request, so a
// test run does not leave a changed binary in the working tree.
const SCREENSHOT = fileURLToPath(new URL('../../../../docs/images/chat.png', import.meta.url));
const UPDATE_SCREENSHOT = process.env['UPDATE_SCREENSHOTS'] === '1' || !existsSync(SCREENSHOT);
const WAIT = { timeout: 10_000 };
const token = 'secret';

const missing = !existsSync(CHROMIUM);
if (missing) {
  console.error(
    [
      '',
      '!'.repeat(78),
      `!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}.`,
      '!! Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.',
      '!! The chat page has NOT been tested in a browser in this run.',
      '!'.repeat(78),
      '',
    ].join('\n'),
  );
}

// Each test carries the skip, so the run's summary counts them as skipped.
const skip = missing ? `no Chromium at ${CHROMIUM}` : false;

describe('chat in a browser', () => {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  before(async () => {
    if (!missing) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  after(async () => {
    await browser?.close();
  });

  /** A page of its own (separate storage, as another person would have) at the chat. */
  async function openChat(url: string): Promise<Page> {
    if (!browser) throw new Error('the browser did not start');
    const context = await browser.newContext({ viewport: { width: 880, height: 460 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    return page;
  }

  async function join(page: Page, name: string, room: string, secret = token): Promise<void> {
    await page.fill('#name', name);
    await page.fill('#room', room);
    await page.fill('#token', secret);
    await page.click('#join');
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.fill('#message', text);
    await page.press('#message', 'Enter');
  }

  const entry = (page: Page, text: string) => page.locator('#messages li', { hasText: text }).waitFor(WAIT);
  const status = (page: Page, state: string) => page.locator(`#status.${state}`).waitFor(WAIT);

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
    await page.locator('#messages li.notice').last().filter({ hasText: /^Slow down/ }).waitFor(WAIT);
    assert.equal(await slowDown.count(), 1);
    assert.equal(await page.inputValue('#message'), 'four');
    await status(page, 'connected');
  });

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

/**
 * A port that is free now. The restart test listens on it explicitly rather than on port 0:
 * uWebSockets.js sets SO_REUSEADDR only on an explicit port, and without it the port stays
 * busy after a restart while the closed connections sit in TIME_WAIT.
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
