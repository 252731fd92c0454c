import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { KindlingError, type WebSocketConnection } from '@kindling/websocket';
import { delay, failOnEscapes, startServer, TestClient } from './fixture.js';

failOnEscapes();

/** Stops the client reading from TCP, so the server's send buffer fills. */
function pauseReading(client: TestClient): Socket {
  const socket = (client.socket as unknown as { _socket: Socket })._socket;
  socket.pause();
  return socket;
}

/** Sends 1 MiB binary frames until uWS reports backpressure, then `extra` more. */
function fillSendBuffer(conn: WebSocketConnection, extra = 2): number {
  const chunk = new Uint8Array(1024 * 1024);
  let frames = 0;
  while (conn.bufferedAmount === 0 && frames < 512) {
    conn.sendBinary(chunk);
    frames++;
  }
  assert.ok(conn.bufferedAmount > 0, 'the send buffer filled');
  for (let i = 0; i < extra; i++, frames++) assert.equal(conn.sendBinary(chunk), 'buffered');
  return frames;
}

describe('close()', () => {
  it('sends code and reason; the peer sees both; resolves with the CloseInfo', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const conn = await server.connection();
    const info = await conn.close(4000, 'game over');
    assert.deepEqual(info, { code: 4000, reason: 'game over', wasClean: true, initiatedBy: 'server' });
    assert.equal(conn.closeInfo, info);
    assert.equal(conn.isOpen, false);
    assert.deepEqual(await client.closed, { code: 4000, reason: 'game over', error: undefined });
  });

  it('defaults to 1000 with an empty reason', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    await (await server.connection()).close();
    assert.deepEqual(await client.closed, { code: 1000, reason: '', error: undefined });
  });

  it('cuts a long reason to 123 bytes at a UTF-8 character boundary', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const info = await (await server.connection()).close(4000, 'é'.repeat(100));
    const closed = await client.closed;
    assert.equal(closed.error, undefined, 'the peer accepted the reason as valid UTF-8');
    assert.equal(closed.code, 4000);
    assert.equal(closed.reason, 'é'.repeat(61));
    assert.equal(info.reason, closed.reason);
  });

  it('throws a TypeError for a code that may not be sent, and stays open', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using _client = await TestClient.connect(server.url);
    const conn = await server.connection();
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 1000.5, Number.NaN]) {
      assert.throws(() => conn.close(code), TypeError, `code ${code}`);
    }
    assert.throws(() => conn.close(1000, 42 as unknown as string), TypeError);
    assert.equal(conn.isOpen, true);
    assert.equal((await conn.close(3000)).code, 3000);
  });

  it('a second close() while closing does not send another frame', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const conn = await server.connection();
    const [first, second] = await Promise.all([conn.close(4001, 'first'), conn.close(4002, 'second')]);
    assert.equal(first, second);
    assert.equal((await client.closed).code, 4001);
  });

  it('with data buffered, sends the frame once the buffer drained: the peer gets everything, then the code', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen(), options: { maxBackpressure: 0 } });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    const frames = fillSendBuffer(conn);
    const closing = conn.close(4000, 'after the data');
    assert.equal(conn.isOpen, false);
    assert.equal(conn.sendText('late'), 'closed');
    await delay(20);
    assert.equal(conn.closeInfo, undefined, 'still flushing');
    tcp.resume();
    assert.deepEqual(await closing, { code: 4000, reason: 'after the data', wasClean: true, initiatedBy: 'server' });
    const closed = await client.closed;
    assert.equal(closed.code, 4000);
    assert.equal(client.received.length, frames);
  });

  it('terminates after closeTimeoutMs when the buffer does not drain (peer sees 1006)', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen(), options: { maxBackpressure: 0, closeTimeoutMs: 30 } });
    await using client = await TestClient.connect(server.url);
    const tcp = pauseReading(client);
    const conn = await server.connection();
    fillSendBuffer(conn);
    const info = await conn.close(4000, 'never delivered');
    assert.deepEqual(info, { code: 1006, reason: '', wasClean: false, initiatedBy: 'server' });
    const timeoutLine = await server.logs.waitFor('ws.close_timeout');
    assert.equal(timeoutLine['code'], 4000);
    tcp.resume();
    assert.equal((await client.closed).code, 1006);
  });
});

describe('terminate() and peer closes', () => {
  it('terminate() cuts TCP: the peer sees 1006', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const conn = await server.connection();
    conn.terminate();
    assert.deepEqual(conn.closeInfo, { code: 1006, reason: '', wasClean: false, initiatedBy: 'server' });
    assert.equal((await client.closed).code, 1006);
  });

  it('records a close started by the peer, with and without a status code', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using a = await TestClient.connect(server.url);
    a.socket.close(4002, 'client bye');
    assert.deepEqual(await (await server.connection(0)).closed, { code: 4002, reason: 'client bye', wasClean: true, initiatedBy: 'client' });
    await using b = await TestClient.connect(server.url);
    b.socket.close();
    assert.deepEqual(await (await server.connection(1)).closed, { code: 1005, reason: '', wasClean: true, initiatedBy: 'client' });
    await using c = await TestClient.connect(server.url);
    c.socket.terminate();
    assert.deepEqual(await (await server.connection(2)).closed, { code: 1006, reason: '', wasClean: false, initiatedBy: 'client' });
  });
});

describe('runHandler', () => {
  it('closes 1000 when the handler returns or resolves', async () => {
    await using server = await startServer({ handler: async (ws) => void (await ws.recv()) });
    await using client = await TestClient.connect(server.url);
    client.socket.send('bye');
    assert.deepEqual(await client.closed, { code: 1000, reason: '', error: undefined });
    await using syncServer = await startServer({ handler: () => 'ignored' });
    await using syncClient = await TestClient.connect(syncServer.url);
    assert.equal((await syncClient.closed).code, 1000);
  });

  it('keepOpen() leaves the connection open after the handler returned', async () => {
    await using server = await startServer({ handler: async (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const conn = await server.connection();
    await delay(10);
    assert.equal(conn.isOpen, true);
    conn.sendText('still here');
    assert.equal((await client.next()).text, 'still here');
    await conn.close(4000);
  });

  it('a thrown error closes 1011 "Internal server error" and logs the error with its stack', async () => {
    await using server = await startServer({
      handler: async (ws) => {
        await ws.recv();
        throw new Error('database password is hunter2');
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send('go');
    assert.deepEqual(await client.closed, { code: 1011, reason: 'Internal server error', error: undefined });
    const line = await server.logs.waitFor('ws.handler_error');
    const err = line['err'] as { message: string; stack: string };
    assert.equal(line.level, 50);
    assert.equal(err.message, 'database password is hunter2');
    assert.match(err.stack, /Error: database password is hunter2\n\s+at /);
    const conn = await server.connection();
    assert.equal(line['connId'], conn.id);
  });

  it('a synchronous throw is handled the same way', async () => {
    await using server = await startServer({
      handler: () => {
        throw new TypeError('boom');
      },
    });
    await using client = await TestClient.connect(server.url);
    assert.equal((await client.closed).code, 1011);
    assert.equal((await server.logs.waitFor('ws.handler_error')).level, 50);
  });

  it('a KindlingError closes with its own close frame', async () => {
    await using server = await startServer({
      handler: async () => {
        throw new KindlingError('FORBIDDEN', { message: 'Not your room' });
      },
    });
    await using client = await TestClient.connect(server.url);
    assert.deepEqual(await client.closed, { code: 4403, reason: 'Not your room', error: undefined });
  });

  it('a KindlingError with a close code that cannot be sent becomes 1011', async () => {
    await using server = await startServer({
      handler: () => {
        throw new KindlingError('BAD_REQUEST', { closeCode: 1006 });
      },
    });
    await using client = await TestClient.connect(server.url);
    assert.equal((await client.closed).code, 1011);
  });

  it('an error after the connection closed is logged, nothing else happens', async () => {
    await using server = await startServer({
      handler: async (ws) => {
        await ws.closed;
        throw new Error('late failure');
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.close(4000);
    assert.equal((await client.closed).code, 4000);
    const line = await server.logs.waitFor('ws.handler_error');
    assert.equal((line['err'] as { message: string }).message, 'late failure');
  });
});
