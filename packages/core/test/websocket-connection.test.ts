import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KindlingError, Router, type SendResult, type WebSocketConnection } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors, deferred } from './fixtures.js';
import { rawWebSocket } from './raw-http.js';

failOnEscapedErrors();

describe('WebSocket handlers and the connection', () => {
  test('returning from the handler closes with 1000', async () => {
    await using server = await TestServer.start(new Router().websocket('/once', (ws) => void ws.sendText('bye')));
    const ws = await server.ws('/once');
    await ws.expectText('bye');
    await ws.expectClosed(1000);
  });

  test('a handler that throws after the first message closes 1011 with a generic reason and logs the error', async () => {
    const router = new Router().websocket('/boom', async (ws) => {
      await ws.recv();
      throw new Error('secret internals');
    });
    await using server = await TestServer.start(router, { logs: true });
    const ws = await server.ws('/boom');
    ws.sendText('first');
    const closed = await ws.expectClosed(1011);
    assert.doesNotMatch(closed.reason, /secret/);
    const line = await server.expectLog((e) => e.level === 50 && JSON.stringify(e).includes('secret internals'));
    assert.equal(line['route'], '/boom');
  });

  test('an KindlingError closes with the close code from the error table', async () => {
    const router = new Router().websocket('/deny', async (ws) => {
      await ws.recv();
      throw new KindlingError('FORBIDDEN', { message: 'Not in this room' });
    });
    await using server = await TestServer.start(router);
    const ws = await server.ws('/deny');
    ws.sendText('x');
    await ws.expectClosed(4403, 'Not in this room');
  });

  test('a frame over maxPayloadLength: the peer sees a 1009 close frame', async () => {
    const router = new Router().websocket(
      '/small',
      async (ws) => {
        for await (const msg of ws) ws.send(msg);
      },
      { maxPayloadLength: 1024 },
    );
    await using server = await TestServer.start(router, { logs: true });
    const ws = await server.ws('/small');
    ws.sendText('fits');
    await ws.expectText('fits');
    ws.sendText('x'.repeat(4096));
    await ws.expectClosed(1009);
    await server.expectLog({ msg: 'ws.payload_too_large' });
  });

  test('engine-specific: invalid UTF-8 in a text frame never reaches the handler; uws drops the TCP connection (1006), node closes 1007', async () => {
    const seen: string[] = [];
    const router = new Router().websocket('/utf8', async (ws) => {
      for await (const msg of ws) if (msg.type === 'text') seen.push(msg.text);
    });
    await using server = await TestServer.start(router, { logs: true });
    const raw = await rawWebSocket(server.port, '/utf8');
    raw.sendFrame(1, new Uint8Array([0xc3, 0x28]));
    const received = await raw.closed;
    const line = await server.expectLog({ msg: 'ws.close', route: '/utf8' });
    if (server.app.engine === 'uws') {
      assert.equal(received.includes(0x88), false, 'no close frame: the peer reports 1006');
      assert.equal(line['code'], 1006);
    } else {
      const at = received.indexOf(0x88);
      assert.ok(at >= 0, 'a close frame');
      assert.equal((received[at + 2] ?? 0) * 256 + (received[at + 3] ?? 0), 1007);
    }
    assert.deepEqual(seen, []);
  });

  test('a client flooding faster than the handler reads is closed 1008 and the log says so', async () => {
    const gate = deferred<void>();
    const router = new Router().websocket(
      '/flood',
      async (ws) => {
        await gate.promise;
        while (await ws.recv()) {
          /* drain what was queued */
        }
      },
      { maxQueuedMessages: 8 },
    );
    await using server = await TestServer.start(router, { logs: true });
    const ws = await server.ws('/flood');
    for (let i = 0; i < 50; i++) ws.sendText(`m${i}`);
    await ws.expectClosed(1008);
    const line = await server.expectLog({ msg: 'ws.queue_overflow' });
    assert.equal(line['route'], '/flood');
    gate.resolve();
  });

  test('sending to a closed connection reports closed and never throws', async () => {
    const results = deferred<SendResult[]>();
    const router = new Router().websocket('/late', async (ws) => {
      await ws.closed;
      results.resolve([ws.sendText('late'), ws.sendJson({ late: true }), ws.sendBinary(new Uint8Array(1)), ws.ping()]);
    });
    await using server = await TestServer.start(router);
    const ws = await server.ws('/late');
    await ws.close(1000);
    assert.deepEqual(await results.promise, ['closed', 'closed', 'closed', 'closed']);
  });

  test('sendJson sends a text frame', async () => {
    await using server = await TestServer.start(new Router().websocket('/json', (ws) => void ws.sendJson({ a: [1, 'b'] })));
    const ws = await server.ws('/json');
    const frame = await ws.nextMessage();
    assert.equal(frame.type, 'text');
    await ws.expectClosed(1000);
  });

  test('ws.open and ws.close are logged with route, code, reason, duration and message counts', async () => {
    const router = new Router().websocket('/log/{id}', async (ws) => {
      const msg = await ws.recv();
      if (msg) ws.send(msg);
      await ws.close(4000, 'done here');
    });
    await using server = await TestServer.start(router, { logs: true });
    const ws = await server.ws('/log/7', { headers: { 'x-request-id': 'trace-7' } });
    ws.sendText('hi');
    await ws.expectText('hi');
    await ws.expectClosed(4000, 'done here');
    const open = await server.expectLog({ msg: 'ws.open', requestId: 'trace-7' });
    assert.equal(open['route'], '/log/{id}');
    const close = await server.expectLog({ msg: 'ws.close', requestId: 'trace-7' });
    assert.equal(close['code'], 4000);
    assert.equal(close['reason'], 'done here');
    assert.equal(close['messagesIn'], 1);
    assert.equal(close['messagesOut'], 1);
    assert.equal(typeof close['durationMs'], 'number');
  });

  test('a connection without x-request-id gets a new request id; ids, request ids and data agree with the logs', async () => {
    const seen: { id: string; requestId: string; data: unknown }[] = [];
    const router = new Router().websocket('/plain', (ws) => {
      seen.push({ id: ws.id, requestId: ws.requestId, data: ws.data });
      ws.sendJson({ id: ws.id, requestId: ws.requestId });
    });
    await using server = await TestServer.start(router, { logs: true });
    const ws = await server.ws('/plain');
    const frame = (await ws.expectJson()) as { id: string; requestId: string };
    await ws.expectClosed(1000);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(frame.id, uuid);
    assert.match(frame.requestId, uuid);
    assert.notEqual(frame.id, frame.requestId, 'connection ids and request ids never coincide');
    assert.deepEqual(seen, [{ id: frame.id, requestId: frame.requestId, data: {} }]);
    const open = await server.expectLog({ msg: 'ws.open', connId: frame.id });
    assert.equal(open['requestId'], frame.requestId);
  });
});

describe('topics and the connection registry', () => {
  function chatRouter(onOpen: (ws: WebSocketConnection) => void = () => undefined) {
    return new Router().websocket('/room/{name}', [], async (ws) => {
      ws.subscribe('room');
      onOpen(ws);
      for await (const msg of ws) if (msg.type === 'text') ws.publish('room', msg.text);
    });
  }

  test('publish reaches every subscriber except the sender', async () => {
    await using server = await TestServer.start(chatRouter());
    const a = await server.ws('/room/x');
    const b = await server.ws('/room/x');
    const c = await server.ws('/room/x');
    await waitFor(() => server.app.connections.size === 3);
    a.sendText('from a');
    await b.expectText('from a');
    await c.expectText('from a');
    await a.expectNoMessage(100);
  });

  test('app.publish reaches everyone on the topic; unsubscribed connections hear nothing', async () => {
    let first: WebSocketConnection | undefined;
    await using server = await TestServer.start(chatRouter((ws) => (first ??= ws)));
    const a = await server.ws('/room/x');
    const b = await server.ws('/room/x');
    await waitFor(() => server.app.connections.size === 2);
    assert.equal(server.app.publish('room', 'to all'), true);
    await a.expectText('to all');
    await b.expectText('to all');
    first?.unsubscribe('room');
    server.app.publish('room', 'second');
    await b.expectText('second');
    await a.expectNoMessage(100);
  });

  test('the registry: size, get, broadcast, broadcastExcept, and removal on close', async () => {
    const ids: string[] = [];
    await using server = await TestServer.start(chatRouter((ws) => ids.push(ws.id)));
    const a = await server.ws('/room/x');
    const b = await server.ws('/room/x');
    await waitFor(() => server.app.connections.size === 2);
    const registry = server.app.connections;
    const [idA, idB] = ids as [string, string];
    assert.equal(registry.get(idA)?.id, idA);
    assert.equal(registry.has(idB), true);
    // Not ids of this process: another prefix, a request id's shape with a wrong counter, junk.
    const otherPrefix = `${idA.startsWith('0') ? '1' : '0'}${idA.slice(1)}`;
    for (const stranger of [otherPrefix, `${idA.slice(0, 24)}zzzzzzzzzzzz`, 'x', '']) {
      assert.equal(registry.get(stranger), undefined, stranger);
      assert.equal(registry.has(stranger), false, stranger);
    }
    assert.equal(registry.broadcastExcept(otherPrefix, 'all'), 2, 'an unknown id skips nobody');
    await a.expectText('all');
    await b.expectText('all');
    assert.equal(registry.broadcast('everyone'), 2);
    await a.expectText('everyone');
    await b.expectText('everyone');
    assert.equal(registry.broadcastExcept(idA, 'not a'), 1);
    await b.expectText('not a');
    await a.expectNoMessage(100);
    await a.close(1000);
    await waitFor(() => registry.size === 1);
    assert.equal(registry.get(idA), undefined);
    assert.equal(registry.get(idB)?.id, idB);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
