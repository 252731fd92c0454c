import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failOnEscapedErrors } from './fixtures.js';
import { open, runChild } from './signal-child.js';

failOnEscapedErrors();

describe('handleSignals: true — the process ends by itself', { timeout: 90_000 }, () => {
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
});
