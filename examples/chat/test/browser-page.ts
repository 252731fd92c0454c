// Drives the chat page in a real headless Chromium (Debian's, through playwright-core) for the
// browser test files. A missing Chromium skips the tests with one loud banner, never silently.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, afterEach, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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
export const WAIT = { timeout: 10_000 };
export const token = 'secret';

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

/** Each test carries the skip, so the run's summary counts them as skipped. */
export const skip: string | false = missing ? `no Chromium at ${CHROMIUM}` : false;

/**
 * Launches Chromium for the enclosing `describe` (call it there) and closes what the tests
 * opened. Returns `openChat(url)`: a page of its own (separate storage, as another person would
 * have) at the chat.
 */
export function useBrowser(): (url: string) => Promise<Page> {
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
  return async (url) => {
    if (!browser) throw new Error('the browser did not start');
    const context = await browser.newContext({ viewport: { width: 880, height: 460 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    return page;
  };
}

export async function join(page: Page, name: string, room: string, secret = token): Promise<void> {
  await page.fill('#name', name);
  await page.fill('#room', room);
  await page.fill('#token', secret);
  await page.click('#join');
}

/** Types `text` into the message box (waiting while a send is in flight) and presses Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#message', text);
  await page.press('#message', 'Enter');
}

/** Waits for a line in the conversation. */
export const entry = (page: Page, text: string) => page.locator('#messages li', { hasText: text }).waitFor(WAIT);
/** Waits for the connection status. */
export const status = (page: Page, state: string) => page.locator(`#status.${state}`).waitFor(WAIT);

/**
 * A port that is free now. The restart test listens on it explicitly rather than on port 0:
 * uWebSockets.js sets SO_REUSEADDR only on an explicit port, and without it the port stays
 * busy after a restart while the closed connections sit in TIME_WAIT.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
