import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

describe('metrics: prom-client is an optional peer', { timeout: 90_000 }, () => {
  it('without prom-client installed: metrics is a clear start-up error naming the package; an app without metrics never loads it', async () => {
    // A module hook makes `prom-client` unresolvable in a child process, as if it were not installed.
    const hook = `data:text/javascript,${encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === 'prom-client') throw Object.assign(new Error("Cannot find package 'prom-client'"), { code: 'ERR_MODULE_NOT_FOUND' });
        return next(specifier, context);
      }`)}`;
    const script = (metrics: boolean) => `
      import { register } from 'node:module';
      register(${JSON.stringify(hook)});
      const { App, Router } = await import('@kindling/core');
      const app = new App(new Router().get('/', () => 'ok'), { logger: false, metrics: ${String(metrics)} });
      try {
        const port = await app.listen(0, '127.0.0.1');
        const res = await fetch('http://127.0.0.1:' + port + '/');
        process.stdout.write('LISTENING ' + res.status + '\\n');
        await app.shutdown();
      } catch (err) {
        process.stdout.write('ERROR ' + err.message + '\\n');
      }
    `;
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const run = (metrics: boolean) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script(metrics)], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('exit', () => resolve(out.trim()));
      });
    const [withMetrics, without] = await Promise.all([run(true), run(false)]);
    assert.match(withMetrics, /^ERROR metrics is on, but the optional peer dependency 'prom-client' is not installed: run `npm install prom-client`/);
    assert.equal(without, 'LISTENING 200');
  });
});
