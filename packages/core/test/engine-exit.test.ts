// After shutdown the process ends by itself on either engine, even with an idle keep-alive
// HTTP connection and an open WebSocket client: nothing of the server holds the event loop.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

const engine = process.env['KINDLING_ENGINE'] === 'node' ? 'node' : undefined;

test('after shutdown, with a keep-alive HTTP connection and a WebSocket open, the process exits by itself', async () => {
  const script = `
    import { request, Agent } from 'node:http';
    import { App, Router } from '@kindling/core';
    import WebSocket from 'ws';
    const app = new App(new Router().get('/x', () => 'ok').websocket('/ws', async (ws) => { for await (const m of ws) ws.send(m); }), { logger: false });
    const port = await app.listen(0, '127.0.0.1');
    const agent = new Agent({ keepAlive: true });
    await new Promise((resolve, reject) => request({ host: '127.0.0.1', port, path: '/x', agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end());
    const ws = new WebSocket('ws://127.0.0.1:' + port + '/ws');
    await new Promise((resolve) => ws.on('open', resolve));
    const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    const result = await app.shutdown({ timeoutMs: 2000 });
    console.log(JSON.stringify({ engine: app.engine, result, code: await closed }));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('.', import.meta.url).pathname,
    env: { ...process.env, ...(engine ? { KINDLING_ENGINE: engine } : {}) },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (out += String(chunk)));
  const exited = await new Promise<number | null>((resolve) => {
    // Generous: a cold start under load; the point is that it exits at all, not how fast.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 40_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  assert.equal(exited, 0, `the process did not exit by itself: ${out}`);
  const report = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { engine: string; code: number; result: { closed: number } };
  assert.equal(report.code, 1001, 'the WebSocket client got 1001');
  assert.equal(report.result.closed, 1);
});
