import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { App, Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

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
    server.app
      .onClose(() => void ran.push('first registered'))
      .onClose(function hangs() {
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
