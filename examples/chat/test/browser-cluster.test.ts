// The chat as two nodes on one Redis (two server processes, as `npm run start:cluster` runs
// them), with page A on node 1 and page B on node 2, in a real headless Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { entry, freePort, join, say, skip as noBrowser, status, token, useBrowser, WAIT } from './browser-page.js';

const SERVER = fileURLToPath(new URL('../src/server.js', import.meta.url));

function redisMissing(): string | false {
  if (spawnSync('redis-server', ['--version']).status === 0) return false;
  const message = 'redis-server is not installed: the chat cluster test is SKIPPED (apt-get install redis-server)';
  if (process.env['CI']) throw new Error(message);
  console.warn(`\n!!! ${message}\n`);
  return message;
}

const skip = noBrowser || redisMissing();

/** Starts a process and resolves once `ready` matches its stdout; stopping it waits for its exit. */
async function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ stop: (signal?: NodeJS.Signals) => Promise<void> }> {
  const child: ChildProcess = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${out}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`${command} exited: ${out}`)));
  });
  child.stdout?.resume();
  return {
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

describe('chat across two nodes', () => {
  const openChat = useBrowser();

  test('page A on node 1, page B on node 2: join notices, messages both ways, the here-now list, a leave notice', { skip, timeout: 120_000 }, async () => {
    const redisPort = await freePort();
    const redis = await start(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {},
      /Ready to accept connections/,
    );
    const nodes: { stop: () => Promise<void> }[] = [];
    try {
      const ports = [await freePort(), await freePort()];
      for (const port of ports) {
        const env = { PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}`, CHAT_TOKEN: token, LOG_FORMAT: 'json' };
        nodes.push(await start(process.execPath, [SERVER], env, /"event":"app\.listen"/));
      }
      const [url1, url2] = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string];

      const ada = await openChat(url1);
      await join(ada, 'ada', 'lobby');
      await status(ada, 'connected');
      await entry(ada, 'You joined #lobby as ada');

      const bob = await openChat(url2);
      await join(bob, 'bob', 'lobby');
      await status(bob, 'connected');
      await entry(ada, 'bob joined');
      // Here now, on both nodes: bob's list came from presence (ada is on the other node).
      await bob.locator('#members li[data-user="ada"]').waitFor(WAIT);
      await ada.locator('#members li[data-user="bob"]').waitFor(WAIT);

      await say(bob, 'hello from node 2');
      await ada.locator('#messages li.message', { hasText: 'hello from node 2' }).waitFor(WAIT);
      await say(ada, 'hi from node 1');
      await bob.locator('#messages li.message', { hasText: 'hi from node 1' }).waitFor(WAIT);

      await bob.close();
      await entry(ada, 'bob left');
      await ada.locator('#members li[data-user="bob"]').waitFor({ ...WAIT, state: 'detached' });
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      await redis.stop();
    }
  });
});
