import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { App, Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

const FAST = { intervalMs: 40, timeoutMs: 40 };

/** A raw `ws` client, for what the test client does not expose (`autoPong`, ping counts). */
async function rawClient(
  url: string,
  autoPong: boolean,
): Promise<{ socket: WebSocket; pings: () => number; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(url, { autoPong });
  let pings = 0;
  socket.on('ping', () => pings++);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, pings: () => pings, closed };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('heartbeat', { timeout: 10_000 }, () => {
  it('closes a peer that stops answering pings with 1001 "heartbeat timeout" and logs ws.heartbeat_timeout', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { heartbeat: FAST });
    await using server = await TestServer.start(router, { logs: true });
    const silent = await rawClient(`${server.wsUrl}/live`, false);
    assert.deepEqual(await silent.closed, { code: 1001, reason: 'heartbeat timeout' });
    assert.ok(silent.pings() >= 1, 'it was pinged first');
    await server.expectLog({ msg: 'ws.heartbeat_timeout', route: '/live', intervalMs: 40, timeoutMs: 40 });
    await server.expectLog({ msg: 'ws.close', code: 1001, reason: 'heartbeat timeout', initiatedBy: 'server' });
  });

  it('keeps a peer that answers open past several intervals, pinging it each time', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { heartbeat: FAST });
    await using server = await TestServer.start(router, { logs: true });
    const alive = await rawClient(`${server.wsUrl}/live`, true);
    const silent = await rawClient(`${server.wsUrl}/live`, false);
    await silent.closed; // at least one full interval + timeout has passed
    while (alive.pings() < 4) await delay(20);
    assert.equal(alive.socket.readyState, WebSocket.OPEN, 'still open after four pings');
    assert.equal(server.app.connections.size, 1);
    alive.socket.close();
    assert.equal((await alive.closed).code, 1005);
  });

  it("answers the client's pings, which also count as activity", async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { heartbeat: FAST });
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/live');
    ws.ping('are you there');
    assert.equal(Buffer.from(await ws.expectPong()).toString(), 'are you there');
  });

  it('comes from the app-wide defaults; a route can turn it off', async () => {
    const router = new Router().websocket('/default', (ws) => ws.keepOpen()).websocket('/off', (ws) => ws.keepOpen(), { heartbeat: false });
    await using server = await TestServer.start(router, { app: { websocket: { heartbeat: FAST } } });
    const inherits = await rawClient(`${server.wsUrl}/default`, false);
    const off = await rawClient(`${server.wsUrl}/off`, false);
    assert.deepEqual(await inherits.closed, { code: 1001, reason: 'heartbeat timeout' });
    await delay(200); // several heartbeat periods
    assert.equal(off.pings(), 0, 'never pinged');
    assert.equal(off.socket.readyState, WebSocket.OPEN);
    off.socket.terminate();
    await off.closed;
  });

  it('rejects invalid settings when the app is built, naming the route', () => {
    const bad = [{ intervalMs: 5, timeoutMs: 100 }, { intervalMs: 100 }, { intervalMs: 100, timeoutMs: 100, every: 1 }];
    for (const heartbeat of bad) {
      const router = new Router().websocket('/ws', () => undefined, { heartbeat: heartbeat as { intervalMs: number; timeoutMs: number } });
      assert.throws(() => new App(router, { logger: false }), /route \/ws \(websocket\('\/ws'\)\): .*heartbeat/);
    }
  });
});

describe('heartbeat and idle deadlines on a monotonic clock', { timeout: 20_000 }, () => {
  it('keeps pinging and timing out when the wall clock steps back an hour', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { heartbeat: FAST });
    await using server = await TestServer.start(router);
    const silent = await rawClient(`${server.wsUrl}/live`, false);
    while (silent.pings() < 1) await delay(10);
    // An NTP step or a manual clock change: Date.now() jumps back while the sweep runs.
    using _clock = stepWallClock(-3_600_000);
    const stillOpen = new Promise<string>((resolve) => setTimeout(resolve, 8_000, 'still open 8 s after the step').unref());
    const outcome = await Promise.race([silent.closed, stillOpen]);
    assert.deepEqual(outcome, { code: 1001, reason: 'heartbeat timeout' });
  });

  it('does not close an idle-timeout connection early when the wall clock steps forward an hour', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen(), { heartbeat: false, idleTimeoutMs: 1_000 });
    await using server = await TestServer.start(router);
    const quiet = await rawClient(`${server.wsUrl}/live`, false);
    {
      using _clock = stepWallClock(3_600_000);
      await delay(600); // more than two sweeps at a quarter of the idle timeout
      assert.equal(quiet.socket.readyState, WebSocket.OPEN, 'open 600 ms into a 1 s idle timeout');
    }
    assert.deepEqual(await quiet.closed, { code: 1001, reason: 'idle timeout' });
  });
});

/** Moves `Date.now()` by `offsetMs` until disposed, as a wall-clock step would. */
function stepWallClock(offsetMs: number): Disposable {
  const realNow = Date.now;
  Date.now = () => realNow() + offsetMs;
  return { [Symbol.dispose]: () => void (Date.now = realNow) };
}
