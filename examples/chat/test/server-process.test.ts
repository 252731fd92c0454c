// `npm start`'s server as a process: readable logs, the page, and a graceful stop on SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { RawWebSocket } from './raw-websocket.js';

const SERVER = fileURLToPath(new URL('../src/server.js', import.meta.url));

interface Running {
  child: ChildProcess;
  port: number;
  /** Everything written to stdout so far. */
  output: () => string;
}

/** Starts the server with PORT=0 and resolves once it logs its address. */
function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      // Colours, should the environment force them (FORCE_COLOR), are not part of the text.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC.
      output += chunk.replace(/\x1b\[[0-9;]*m/g, '');
      const port = /chat on http:\/\/localhost:(\d+)\//.exec(output)?.[1];
      if (port) resolve({ child, port: Number(port), output: () => output });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

/** GET without keep-alive, so no idle connection is left open. */
function fetchPage(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ port, host: '127.0.0.1', path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

test('the server logs readable lines, serves the page, and on SIGTERM closes connections with 1001 and exits 0', async () => {
  const server = await startServer({ CHAT_TOKEN: 'secret' });
  const exited = once(server.child, 'exit');
  try {
    const lines = server.output().trim().split('\n');
    assert.ok(
      lines.every((line) => !line.startsWith('{')),
      `expected pino-pretty lines, got:\n${server.output()}`,
    );
    assert.match(server.output(), /INFO: chat on http:\/\/localhost:\d+\/\?token=secret/);

    const page = await fetchPage(server.port, '/');
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(page.body, /<title>Kindling chat<\/title>/);
    const ready = await fetchPage(server.port, '/health/ready');
    assert.equal(ready.status, 200, ready.body);
    const metrics = await fetchPage(server.port, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^kindling_ws_upgrades_total\{route="\/health\/probe",status="101"\} 1$/m);

    const ws = await RawWebSocket.connect(server.port, '/chat/lobby/ada?token=secret');
    server.child.kill('SIGTERM');
    assert.deepEqual(await ws.closed, { code: 1001, reason: 'Server shutting down' });
    assert.deepEqual(await exited, [0, null]);
    assert.ok(
      ws.texts.some((text) => JSON.parse(text).type === 'chat.welcome'),
      'no welcome before the close',
    );
    assert.match(server.output(), /app\.closed/);
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('LOG_FORMAT=json logs one JSON object a line', async () => {
  const server = await startServer({ LOG_FORMAT: 'json' });
  const exited = once(server.child, 'exit');
  try {
    const lines = server.output().trim().split('\n');
    const listen = lines.map((line) => JSON.parse(line) as { event?: string; port?: number }).find((entry) => entry.event === 'app.listen');
    assert.equal(listen?.port, server.port);
    server.child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  } finally {
    server.child.kill('SIGKILL');
  }
});
