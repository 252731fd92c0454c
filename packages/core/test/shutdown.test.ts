import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { App, Router, batchHandler, createExtractor, messageHandler, type WebSocketConnection } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors, deferred, canConnect } from './fixtures.js';

failOnEscapedErrors();

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await delay(5);
  assert.ok(check(), `timed out waiting until ${what}`);
}

interface Client {
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
}

async function open(url: string): Promise<Client> {
  const socket = new WebSocket(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** A TCP peer that completes the WebSocket handshake and then never sends anything (no close frame, no pong). */
async function mutePeer(port: number, path: string): Promise<{ socket: Socket; ended: Promise<void>; received: () => Buffer }> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const upgraded = deferred();
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('data', (chunk) => {
    chunks.push(chunk);
    if (Buffer.concat(chunks).includes('\r\n\r\n')) upgraded.resolve();
  });
  socket.on('error', () => undefined);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await upgraded.promise;
  assert.match(Buffer.concat(chunks).toString('latin1'), /^HTTP\/1\.1 101/);
  return { socket, ended, received: () => Buffer.concat(chunks) };
}

describe('app.shutdown()', { timeout: 60_000 }, () => {
  it('a server process: 1,000 clients all see 1001 with the reason, the batch in flight reaches the handler first, the process exits by itself', async () => {
    const script = `
      import { App, Router, batchHandler } from '@kindling/core';
      const router = new Router()
        .websocket('/live', (ws) => ws.keepOpen())
        .websocket('/ingest', batchHandler((ws, msgs) => {
          process.stdout.write('BATCH ' + JSON.stringify({ texts: msgs.map((m) => m.text), open: ws.isOpen }) + '\\n');
        }, { size: 100, timeoutMs: 600000 }));
      const app = new App(router, { logger: false });
      const port = await app.listen({ port: 0, host: '127.0.0.1', handleSignals: true });
      process.stdout.write('READY ' + port + '\\n');
    `;
    const cwd = fileURLToPath(new URL('.', import.meta.url));
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const ready = deferred<number>();
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('READY ')) ready.resolve(Number(line.slice(6)));
    });
    try {
      const port = await ready.promise;
      const clients: Client[] = [];
      for (let i = 0; i < 1000; i += 100) {
        clients.push(...(await Promise.all(Array.from({ length: 100 }, () => open(`ws://127.0.0.1:${port}/live`)))));
      }
      const ingest = await open(`ws://127.0.0.1:${port}/ingest`);
      for (const t of ['a', 'b', 'c']) ingest.socket.send(t);
      // uWS handles frames in order: once the pong is back, the three messages are buffered.
      const pong = new Promise((resolve) => ingest.socket.once('pong', resolve));
      ingest.socket.ping();
      await pong;
      const mute = await mutePeer(port, '/live');

      child.kill('SIGTERM');
      const closes = await Promise.all(clients.map((c) => c.closed));
      assert.equal(closes.length, 1000);
      assert.ok(
        closes.every((c) => c.code === 1001 && c.reason === 'Server shutting down'),
        'every client saw 1001 "Server shutting down"',
      );
      assert.deepEqual(await ingest.closed, { code: 1001, reason: 'Server shutting down' });
      assert.equal(await exited, 0, 'the process exited by itself, with code 0');
      assert.deepEqual(
        lines.filter((l) => l.startsWith('BATCH ')),
        [`BATCH ${JSON.stringify({ texts: ['a', 'b', 'c'], open: true })}`],
        'the buffered batch was handed over before the 1001',
      );
      // The peer that never answers got the close frame and then the FIN; nothing waited for it.
      await mute.ended;
      assert.ok(mute.received().includes(Buffer.from('Server shutting down')));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops accepting, flushes batches, closes with the given code and reason, awaits handlers, resolves { closed, forced }', async () => {
    const order: string[] = [];
    const router = new Router()
      .websocket(
        '/ingest',
        batchHandler((ws, msgs) => void order.push(`batch ${msgs.length} open=${String(ws.isOpen)}`), { size: 50, timeoutMs: 600_000 }),
      )
      .websocket('/chat', async (ws) => {
        for await (const msg of ws) ws.send(msg);
        await delay(30); // cleanup after the close: shutdown waits for it
        order.push('chat handler finished');
      });
    const app = new App(router, { logger: false });
    const port = await app.listen(0, '127.0.0.1');
    const ingest = await open(`ws://127.0.0.1:${port}/ingest`);
    const chat = await open(`ws://127.0.0.1:${port}/chat`);
    ingest.socket.send('1');
    ingest.socket.send('2');
    await waitFor(() => app.connections.size === 2, 'both connections are registered');
    await delay(20);
    const result = await app.shutdown({ code: 1012, reason: 'restarting', timeoutMs: 5000 });
    assert.deepEqual(result, { closed: 2, forced: 0 });
    assert.deepEqual(order, ['batch 2 open=true', 'chat handler finished']);
    assert.deepEqual(await ingest.closed, { code: 1012, reason: 'restarting' });
    assert.deepEqual(await chat.closed, { code: 1012, reason: 'restarting' });
    assert.equal(await canConnect(port), false, 'the listen socket is closed');
  });

  it('started from inside a message handler (an admin command): every client still gets its 1001 close frame', async () => {
    let result: Promise<unknown> | undefined;
    const router = new Router()
      .websocket(
        '/admin',
        messageHandler((_ws, msg) => {
          if (msg.type === 'text' && msg.text === 'stop') result = app.shutdown({ reason: 'stopped by admin' });
        }),
      )
      .websocket('/live', (ws) => ws.keepOpen());
    const app = new App(router, { logger: false });
    const port = await app.listen(0, '127.0.0.1');
    const admin = await open(`ws://127.0.0.1:${port}/admin`);
    const other = await open(`ws://127.0.0.1:${port}/live`);
    await waitFor(() => app.connections.size === 2, 'both connections are registered');
    admin.socket.send('stop');
    assert.deepEqual(await admin.closed, { code: 1001, reason: 'stopped by admin' });
    assert.deepEqual(await other.closed, { code: 1001, reason: 'stopped by admin' });
    await waitFor(() => result !== undefined, 'the handler started the shutdown');
    assert.deepEqual(await result, { closed: 2, forced: 0 });
  });

  it('called twice: one shutdown, one close frame per client, the same result', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen());
    await using server = await TestServer.start(router, { logs: true });
    const clients = await Promise.all([1, 2, 3].map(() => open(`${server.wsUrl}/live`)));
    const first = server.app.shutdown({ reason: 'once' });
    const second = server.app.shutdown({ reason: 'twice' });
    assert.equal(first, second, 'the same promise');
    assert.deepEqual(await first, { closed: 3, forced: 0 });
    for (const client of clients) assert.deepEqual(await client.closed, { code: 1001, reason: 'once' });
    assert.equal(server.logs.filter((l) => l.msg === 'app.shutdown').length, 1);
    assert.equal(server.logs.filter((l) => l.msg === 'ws.close_all').length, 1);
  });

  it('upgrades still extracting when shutdown starts are answered 503 and shutdown waits for them', async () => {
    const entered = deferred();
    const release = deferred();
    const Slow = createExtractor('Slow', async () => {
      entered.resolve();
      await release.promise;
      return 'user';
    });
    const router = new Router().websocket('/live', [Slow], (user, ws) => ws.keepOpen());
    await using server = await TestServer.start(router, { logs: true });
    const pending = server.ws('/live').expectRejected(503, { error: { code: 'SHUTTING_DOWN' } });
    await entered.promise;
    let done = false;
    const shutdown = server.app.shutdown({ timeoutMs: 5000 }).then((r) => ((done = true), r));
    assert.equal(await canConnect(server.port), false, 'no new connections meanwhile');
    await delay(20);
    assert.equal(done, false, 'shutdown waits for the upgrade in flight');
    release.resolve();
    const refused = await pending;
    assert.equal(refused.headers['retry-after'], '5');
    assert.deepEqual(await shutdown, { closed: 0, forced: 0 });
  });

  it('a peer that never answers the close frame: the connection is settled, the handler finishes, shutdown resolves', async () => {
    let serverSide: WebSocketConnection | undefined;
    const finished = deferred<string>();
    const router = new Router()
      .websocket(
        '/live',
        messageHandler((ws) => undefined),
      )
      .websocket('/watch', async (ws) => {
        serverSide = ws;
        const info = await ws.closed;
        finished.resolve(`handler saw ${info.code}`);
      });
    const app = new App(router, { logger: false });
    const port = await app.listen(0, '127.0.0.1');
    const mute = await mutePeer(port, '/watch');
    const muteAdapter = await mutePeer(port, '/live');
    const result = await app.shutdown({ timeoutMs: 2000 });
    assert.deepEqual(result, { closed: 2, forced: 0 });
    assert.deepEqual(serverSide?.closeInfo, { code: 1001, reason: 'Server shutting down', wasClean: true, initiatedBy: 'server' });
    assert.equal(await finished.promise, 'handler saw 1001');
    assert.equal(app.connections.size, 0);
    await Promise.all([mute.ended, muteAdapter.ended]);
  });

  it('terminates at the deadline what could not close: a peer that does not read; a handler that never returns does not hold it up', async () => {
    const router = new Router()
      .websocket(
        '/flood',
        (ws) => {
          ws.keepOpen();
          const chunk = new Uint8Array(1024 * 1024);
          while (ws.bufferedAmount === 0) ws.sendBinary(chunk);
        },
        { maxBackpressure: 0 },
      )
      .websocket('/stuck', () => new Promise<void>(() => undefined));
    await using server = await TestServer.start(router, { logs: true });
    const flood = await open(`${server.wsUrl}/flood`);
    (flood.socket as unknown as { _socket: Socket })._socket.pause();
    const stuck = await open(`${server.wsUrl}/stuck`);
    await waitFor(() => server.app.connections.size === 2, 'both connections are registered');
    const result = await server.app.shutdown({ timeoutMs: 300 });
    assert.deepEqual(result, { closed: 1, forced: 1 });
    assert.deepEqual(await stuck.closed, { code: 1001, reason: 'Server shutting down' });
    await server.expectLog({ msg: 'ws.close_all', forced: 1, handlersPending: 1 });
    flood.socket.terminate();
  });
});
