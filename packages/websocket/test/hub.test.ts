import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import uWS from 'uWebSockets.js';
import { ConnectionHub } from '@kindling/websocket';
import { delay, failOnEscapes, LogCapture, startServer, TestClient } from './fixture.js';

failOnEscapes();

async function clients(url: string, n: number): Promise<TestClient[]> {
  const list: TestClient[] = [];
  for (let i = 0; i < n; i++) list.push(await TestClient.connect(url));
  return list;
}

async function disposeAll(list: TestClient[]): Promise<void> {
  for (const c of list) await c[Symbol.asyncDispose]();
}

describe('ConnectionRegistry', () => {
  it('tracks open connections: size, get, has, iteration; removes them on close', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    const peers = await clients(server.url, 3);
    try {
      const conns = await Promise.all([0, 1, 2].map((i) => server.connection(i)));
      const registry = server.hub.connections;
      assert.equal(registry.size, 3);
      assert.deepEqual(
        [...registry].map((c) => c.id),
        conns.map((c) => c.id),
      );
      assert.equal(registry.get(conns[1]!.id), conns[1]);
      assert.equal(registry.has(conns[2]!.id), true);
      peers[1]!.socket.close(1000);
      await conns[1]!.closed;
      assert.equal(registry.size, 2);
      assert.equal(registry.get(conns[1]!.id), undefined);
      assert.equal(registry.has(conns[1]!.id), false);
      await conns[0]!.close();
      assert.equal(registry.size, 1);
      conns[2]!.terminate();
      assert.equal(registry.size, 0);
    } finally {
      await disposeAll(peers);
    }
  });

  it('broadcast reaches everyone; broadcastExcept skips one; both count deliveries', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    const peers = await clients(server.url, 3);
    try {
      const sender = await server.connection(0);
      await server.connection(2);
      assert.equal(server.hub.connections.broadcast('to all'), 3);
      for (const p of peers) assert.deepEqual(await p.next().then((m) => [m.text, m.isBinary]), ['to all', false]);
      assert.equal(server.hub.connections.broadcastExcept(sender.id, new Uint8Array([5])), 2);
      for (const p of peers.slice(1)) assert.deepEqual(await p.next().then((m) => [[...m.data], m.isBinary]), [[5], true]);
      sender.sendText('marker');
      assert.equal((await peers[0]!.next()).text, 'marker', 'the excluded sender got nothing before the marker');
      await sender.close();
      assert.equal(server.hub.connections.broadcast('after one left'), 2);
    } finally {
      await disposeAll(peers);
    }
  });
});

describe('topics', () => {
  it('publish() reaches other subscribers but not the sender; hub.publish reaches all', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    const peers = await clients(server.url, 3);
    try {
      const [a, b, c] = await Promise.all([0, 1, 2].map((i) => server.connection(i)));
      assert.equal(a!.subscribe('room'), true);
      assert.equal(b!.subscribe('room'), true);
      assert.equal(a!.isSubscribed('room'), true);
      assert.equal(c!.isSubscribed('room'), false);
      assert.deepEqual(a!.topics, ['room']);
      assert.equal(a!.publish('room', 'from a'), true);
      assert.equal((await peers[1]!.next()).text, 'from a');
      assert.equal(server.hub.publish('room', 'from the app'), true);
      assert.equal((await peers[0]!.next()).text, 'from the app', 'the sender did not get its own message first');
      assert.equal((await peers[1]!.next()).text, 'from the app');
      c!.sendText('c marker');
      assert.equal((await peers[2]!.next()).text, 'c marker', 'a non-subscriber got nothing');
      assert.equal(b!.unsubscribe('room'), true);
      assert.equal(b!.unsubscribe('room'), false);
      assert.deepEqual(b!.topics, []);
    } finally {
      await disposeAll(peers);
    }
  });

  it('publish() from a closed connection still reaches the remaining subscribers', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    const peers = await clients(server.url, 2);
    try {
      const [leaver, stayer] = await Promise.all([0, 1].map((i) => server.connection(i)));
      leaver!.subscribe('room');
      stayer!.subscribe('room');
      await leaver!.close();
      assert.equal(leaver!.publish('room', 'left'), true);
      assert.equal((await peers[1]!.next()).text, 'left');
    } finally {
      await disposeAll(peers);
    }
  });

  it('hub.publish() throws before attach()', () => {
    const hub = new ConnectionHub({ logger: new LogCapture().logger });
    assert.throws(() => hub.publish('t', 'x'), /attach\(app\) first/);
  });
});

describe('closeAll', () => {
  it('sends everyone 1001 with the reason and returns the counts', async () => {
    await using server = await startServer({
      handler: async (ws) => {
        for await (const _ of ws);
      },
    });
    const peers = await clients(server.url, 3);
    try {
      await server.connection(2);
      const result = await server.hub.closeAll({ code: 1001, reason: 'Server shutting down', timeoutMs: 1000 });
      assert.deepEqual(result, { closed: 3, forced: 0 });
      for (const p of peers) assert.deepEqual(await p.closed, { code: 1001, reason: 'Server shutting down', error: undefined });
      assert.equal(server.hub.connections.size, 0);
      const line = await server.logs.waitFor('ws.close_all');
      assert.deepEqual([line['closed'], line['forced'], line['handlersPending']], [3, 0, 0]);
    } finally {
      await disposeAll(peers);
    }
  });

  it('terminates connections whose buffer does not drain by the deadline and counts them as forced', async () => {
    await using server = await startServer({ options: { maxBackpressure: 0 }, handler: (ws) => ws.keepOpen() });
    const peers = await clients(server.url, 2);
    try {
      const slow = await server.connection(1);
      const tcp = (peers[1]!.socket as unknown as { _socket: Socket })._socket;
      tcp.pause();
      const chunk = new Uint8Array(1024 * 1024);
      for (let i = 0; i < 512 && slow.bufferedAmount === 0; i++) slow.sendBinary(chunk);
      assert.ok(slow.bufferedAmount > 0);
      const result = await server.hub.closeAll({ timeoutMs: 30 });
      assert.deepEqual(result, { closed: 1, forced: 1 });
      assert.deepEqual(await peers[0]!.closed, { code: 1001, reason: 'Server shutting down', error: undefined });
      tcp.resume();
      assert.equal((await peers[1]!.closed).code, 1006);
    } finally {
      await disposeAll(peers);
    }
  });

  it('waits for running handlers until the deadline', async () => {
    let finished = false;
    await using server = await startServer({
      handler: async (ws) => {
        await ws.closed;
        await delay(20);
        finished = true;
      },
    });
    await using _client = await TestClient.connect(server.url);
    await server.connection();
    await server.hub.closeAll({ timeoutMs: 5000 });
    assert.equal(finished, true);
  });

  it('rejects a code that may not be sent', async () => {
    const hub = new ConnectionHub({ logger: new LogCapture().logger });
    await assert.rejects(hub.closeAll({ code: 1006 }), TypeError);
    assert.deepEqual(await hub.closeAll(), { closed: 0, forced: 0 });
  });
});

describe('idle timeout', () => {
  it('closes a silent peer with 1001 "idle timeout"; pings count as activity', async () => {
    await using server = await startServer({ options: { idleTimeoutMs: 150 }, handler: (ws) => ws.keepOpen() });
    await using quiet = await TestClient.connect(server.url);
    await using chatty = await TestClient.connect(server.url);
    const chattyConn = await server.connection(1);
    const pinger = setInterval(() => chatty.socket.ping(), 20);
    try {
      assert.deepEqual(await quiet.closed, { code: 1001, reason: 'idle timeout', error: undefined });
      assert.equal(chattyConn.isOpen, true, 'the pinging peer is still connected');
    } finally {
      clearInterval(pinger);
    }
    assert.equal((await chatty.closed).code, 1001);
    assert.equal((await server.logs.waitFor('ws.idle_timeout'))['idleTimeoutMs'], 150);
    // The sweeper drops finished tasks on its next tick.
    for (let i = 0; i < 100 && server.hub.sweeper.size > 0; i++) await delay(10);
    assert.equal(server.hub.sweeper.size, 0);
  });
});

describe('lifecycle logs and callback errors', () => {
  it('logs ws.open and ws.close with their fields', async () => {
    await using server = await startServer({ handler: async (ws) => void (await ws.recv()) });
    await using client = await TestClient.connect(server.url, ['p1']);
    client.socket.send('one');
    await client.closed;
    const conn = await server.connection();
    const open = await server.logs.waitFor('ws.open');
    const close = await server.logs.waitFor('ws.close');
    assert.equal(open.level, 30);
    assert.deepEqual(
      [open['connId'], open['route'], open['requestId'], open['remoteAddress'], open['protocol'], open.msg],
      [conn.id, '/test', 'req-0', '127.0.0.1', 'p1', 'ws.open'],
    );
    assert.equal(close.level, 30);
    assert.equal(close['connId'], conn.id);
    assert.deepEqual(
      [close['code'], close['reason'], close['wasClean'], close['initiatedBy'], close['messagesIn'], close['messagesOut']],
      [1000, '', true, 'server', 1, 0],
    );
    assert.equal(typeof close['durationMs'], 'number');
  });

  it('an exception in a uWS callback is logged and closes 1011', async () => {
    await using server = await startServer({
      handler: () => undefined,
      start: () => {
        throw new Error('start failed');
      },
    });
    await using client = await TestClient.connect(server.url);
    assert.deepEqual(await client.closed, { code: 1011, reason: 'Internal server error', error: undefined });
    const line = await server.logs.waitFor('ws.callback_error');
    assert.deepEqual([line['where'], (line['err'] as { message: string }).message, line.level], ['open', 'start failed', 50]);
  });
});

describe('behavior()', () => {
  it('validates its options', () => {
    const hub = new ConnectionHub({ logger: new LogCapture().logger });
    const upgrade = () => undefined;
    const ok = { upgrade, maxPayloadLength: 1024, compression: uWS.DISABLED, maxBackpressure: 0 };
    assert.equal(hub.behavior(ok).idleTimeout, 0);
    assert.throws(() => hub.behavior({ ...ok, maxPayloadLength: 0 }), TypeError);
    assert.throws(() => hub.behavior({ ...ok, maxBackpressure: -1 }), TypeError);
    assert.throws(() => hub.behavior({ ...ok, maxPayloadLength: Number.NaN }), TypeError);
  });
});
