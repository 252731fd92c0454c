import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const script = fileURLToPath(new URL('./serve-fixtures/threads-app.js', import.meta.url));

interface Run {
  readonly first: Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
  kill(signal: NodeJS.Signals): void;
}

function run(env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    // The first line that is not a log line: {port, threads} or {error}.
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.msg === undefined) resolve(parsed);
    });
    void exited.then(({ code, signal }) => reject(new Error(`exited (${code ?? signal}) before a line: ${stderr}`)));
  });
  return { first, exited, stderr: () => stderr, kill: (signal) => child.kill(signal) };
}

interface Client {
  readonly frames: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;
  waitFrames(count: number): Promise<void>;
}

async function client(port: number, topic: string): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/t/${topic}`);
  const frames: string[] = [];
  socket.on('message', (data: Buffer) => frames.push(data.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waitFrames = async (count: number) => {
    for (let i = 0; i < 1000 && frames.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(frames.length >= count, `${frames.length} of ${count} frames: ${frames.join(' ')}`);
  };
  await waitFrames(1);
  return { frames, closed, socket, waitFrames };
}

// SO_REUSEPORT: uWS has it on every Node it loads on; node:http only from Node 22.12.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const reusePort = process.env['KINDLING_ENGINE'] !== 'node' || major > 22 || (major === 22 && minor >= 12);

describe('serve() where the engine cannot share a port', { skip: reusePort && 'the engine shares ports', timeout: 90_000 }, () => {
  it('fails with a clear error naming the thread, and the process ends without an abort', async () => {
    const server = run();
    const { error } = (await server.first) as { error: string };
    assert.match(error, /^serve\(\): thread \d failed to start: .*reusePort needs Node 22\.12/);
    assert.deepEqual(await server.exited, { code: 1, signal: null }, server.stderr());
  });
});

describe('serve(): one app per thread on a shared port', { skip: !reusePort && 'the node engine needs Node 22.12+ for reusePort', timeout: 90_000 }, () => {
  it('spreads clients over both threads, publishes reach every thread, and SIGTERM closes every client with 1001 and exits 0', async () => {
    const server = run();
    const { port, threads } = (await server.first) as { port: number; threads: number };
    assert.equal(threads, 2);
    const clients: Client[] = [];
    // SO_REUSEPORT spreads by connection hash: open until both threads have clients (bounded).
    for (let i = 0; i < 60; i++) {
      clients.push(await client(port, 'room'));
      const seen = new Set(clients.map((c) => c.frames[0]));
      if (i >= 9 && seen.size === 2) break;
    }
    assert.deepEqual(new Set(clients.map((c) => c.frames[0])), new Set(['ready:0', 'ready:1']), 'both threads took clients');

    const [sender, ...others] = clients as [Client, ...Client[]];
    sender.socket.send('hello from one thread');
    for (const other of others) await other.waitFrames(2);
    for (const other of others) assert.equal(other.frames[1], 'hello from one thread');
    assert.equal(sender.frames.length, 1, 'the sender does not get its own publish');

    server.kill('SIGTERM');
    const closes = await Promise.all(clients.map((c) => c.closed));
    for (const close of closes) assert.equal(close.code, 1001);
    assert.deepEqual(await server.exited, { code: 0, signal: null }, server.stderr());
  });

  it('a thread whose app throws at start-up: a clear error, the other thread shuts down cleanly, no abort', async () => {
    const server = run({ FAIL_THREAD: '1' });
    const { error } = (await server.first) as { error: string };
    assert.match(error, /^serve\(\): thread 1 failed to start: boom in thread 1$/);
    assert.deepEqual(await server.exited, { code: 1, signal: null }, server.stderr());
  });
});
