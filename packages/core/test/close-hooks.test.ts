import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { App, Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { deferred, failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

async function open(url: string): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed };
}

describe('app.onClose()', { timeout: 60_000 }, () => {
  it('hooks run after every connection closed, newest first; one that throws or rejects is logged and the next still runs', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen());
    await using server = await TestServer.start(router, { logs: true });
    const client = await open(`${server.wsUrl}/live`);
    const order: string[] = [];
    server.app
      .onClose(async function closePool() {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`pool (connections open: ${server.app.connections.size})`);
      })
      .onClose(function throwsSync() {
        order.push('throws');
        throw new Error('sync failure');
      })
      .onClose(async function rejects() {
        order.push('rejects');
        throw new Error('async failure');
      })
      .onClose(() => void order.push('last registered'));
    assert.deepEqual(await server.app.shutdown({ timeoutMs: 5000 }), { closed: 1, forced: 0 });
    assert.deepEqual(await client.closed, { code: 1001, reason: 'Server shutting down' });
    assert.deepEqual(order, ['last registered', 'rejects', 'throws', 'pool (connections open: 0)']);
    const errors = server.logs.filter((l) => l.msg === 'app.on_close_error');
    assert.deepEqual(
      errors.map((l) => [l['hook'], (l['err'] as { message?: string } | undefined)?.message]),
      [
        ['rejects', 'async failure'],
        ['throwsSync', 'sync failure'],
      ],
    );
    const closedAt = server.logs.findIndex((l) => l.msg === 'app.closed');
    assert.ok(closedAt > server.logs.findIndex((l) => l.msg === 'ws.close_all'), 'app.closed is logged after the hooks');
  });

  it('a hook that never resolves does not hold shutdown past the deadline; later hooks still run', async () => {
    const router = new Router();
    await using server = await TestServer.start(router, { logs: true });
    const ran: string[] = [];
    server.app.onClose(() => void ran.push('first registered')).onClose(function hangs() {
      return new Promise(() => undefined);
    });
    const started = Date.now();
    await server.app.shutdown({ timeoutMs: 400 });
    const took = Date.now() - started;
    assert.ok(took >= 350 && took < 5000, `shutdown took ${took} ms with a 400 ms deadline`);
    assert.deepEqual(ran, ['first registered']);
    assert.equal(server.logs.find((l) => l.msg === 'app.on_close_timeout')?.['hook'], 'hangs');
  });

  it('onClose(non-function) is a TypeError', () => {
    const app = new App(new Router(), { logger: false });
    assert.throws(() => app.onClose('nope' as unknown as () => void), /app\.onClose\(fn\): fn must be a function/);
  });
});

interface Child {
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; ms: number }>;
  readonly ready: Promise<number>;
  line(prefix: string): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  signalledAt: number;
}

/** Runs an app in a child process that prints `READY <port>` once listening. */
function runChild(body: string): Child {
  const script = `
    import { App, Router } from '@kindling/core';
    const router = new Router().get('/ping', () => 'pong').websocket('/live', (ws) => ws.keepOpen());
    ${body}
  `;
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of waiters.filter((w) => line.startsWith(w.prefix))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const handle: Child = {
    lines,
    signalledAt: 0,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, ms: Date.now() - handle.signalledAt }))),
    ready: new Promise<number>((resolve) => waiters.push({ prefix: 'READY ', resolve: (l) => resolve(Number(l.slice(6))) })),
    line: (prefix) => {
      const found = lines.find((l) => l.startsWith(prefix));
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ prefix, resolve }));
    },
    kill: (signal) => {
      handle.signalledAt ||= Date.now();
      child.kill(signal);
    },
  };
  return handle;
}

describe('handleSignals: true', { timeout: 90_000 }, () => {
  it('SIGTERM: clients see 1001, the onClose hook finishes its async cleanup, the process ends by itself with code 0', async () => {
    const child = runChild(`
      const app = new App(router, { logger: { level: 'info' } });
      app.onClose(async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        process.stdout.write('HOOK pool closed\\n');
      });
      const port = await app.listen({ port: 0, host: '127.0.0.1', handleSignals: true, shutdownTimeoutMs: 5000 });
      process.stdout.write('READY ' + port + '\\n');
    `);
    try {
      const port = await child.ready;
      const client = await open(`ws://127.0.0.1:${port}/live`);
      // A keep-alive HTTP connection sits idle: it must not keep the process up.
      const agentRes = await fetch(`http://127.0.0.1:${port}/ping`);
      assert.equal(await agentRes.text(), 'pong');
      child.kill('SIGTERM');
      assert.deepEqual(await client.closed, { code: 1001, reason: 'Server shutting down' });
      const { code } = await child.exited;
      assert.equal(code, 0);
      assert.ok(child.lines.includes('HOOK pool closed'), 'the hook ran to the end');
      assert.ok(!child.lines.some((l) => l.includes('app.exit_forced')), 'no forced exit');
      const closedLine = child.lines.findIndex((l) => l.includes('"msg":"app.closed"'));
      assert.ok(closedLine > child.lines.indexOf('HOOK pool closed'), 'app.closed after the hook');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('something holding the process past the deadline: logged with what held it, exit code 1', async () => {
    const child = runChild(`
      const app = new App(router, { logger: { level: 'info' } });
      setInterval(() => undefined, 1000); // a forgotten interval
      const port = await app.listen({ port: 0, host: '127.0.0.1', handleSignals: true, shutdownTimeoutMs: 300 });
      process.stdout.write('READY ' + port + '\\n');
    `);
    try {
      await child.ready;
      child.kill('SIGTERM');
      const { code, ms } = await child.exited;
      assert.equal(code, 1);
      assert.ok(ms < 15_000, `exited ${ms} ms after the signal`);
      const forced = JSON.parse(await child.line('{"level":50')) as { msg: string; activeResources: string[] };
      assert.equal(forced.msg, 'app.exit_forced');
      assert.ok(forced.activeResources.includes('Timeout'), `what held it: ${forced.activeResources.join(', ')}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('an onClose hook that never resolves: the deadline holds, the later hooks run, the process still ends', async () => {
    const child = runChild(`
      const app = new App(router, { logger: false });
      app.onClose(() => process.stdout.write('HOOK first registered\\n'));
      app.onClose(() => new Promise(() => undefined));
      const port = await app.listen({ port: 0, host: '127.0.0.1', handleSignals: true, shutdownTimeoutMs: 500 });
      process.stdout.write('READY ' + port + '\\n');
    `);
    try {
      await child.ready;
      child.kill('SIGTERM');
      const { code, ms } = await child.exited;
      assert.equal(code, 0);
      assert.ok(ms >= 400 && ms < 15_000, `exited ${ms} ms after the signal, deadline 500 ms`);
      assert.ok(child.lines.includes('HOOK first registered'));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('two SIGTERMs in a row: the second exits at once with 143 while the first shutdown still waits', async () => {
    const child = runChild(`
      const app = new App(router, { logger: { level: 'info' } });
      app.onClose(() => new Promise(() => setTimeout(() => undefined, 60_000)));
      const port = await app.listen({ port: 0, host: '127.0.0.1', handleSignals: true, shutdownTimeoutMs: 60_000 });
      process.stdout.write('READY ' + port + '\\n');
    `);
    try {
      const port = await child.ready;
      const client = await open(`ws://127.0.0.1:${port}/live`);
      child.kill('SIGTERM');
      assert.equal((await client.closed).code, 1001, 'the first signal started the shutdown');
      child.kill('SIGTERM');
      const { code, ms } = await child.exited;
      assert.equal(code, 143);
      assert.ok(ms < 15_000, `exited ${ms} ms after the first signal`);
      assert.ok(child.lines.some((l) => l.includes('"msg":"app.signal_exit"')));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
