import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failOnEscapedErrors } from './fixtures.js';
import { open, runChild } from './signal-child.js';

failOnEscapedErrors();

describe('handleSignals: true — forced exits', { timeout: 90_000 }, () => {
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
