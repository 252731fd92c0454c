import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsInt, IsString, Min } from 'class-validator';
import { TIMEOUT, type Message, type SendResult, type WebSocketConnection } from '@kindling/websocket';
import { delay, failOnEscapes, startServer, TestClient } from './fixture.js';

failOnEscapes();

class Move {
  @IsString() piece!: string;
  @IsInt() @Min(0) square!: number;
}

describe('receiving', () => {
  it('echoes text and binary frames in order with for await', async () => {
    await using server = await startServer({
      handler: async (ws) => {
        for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send('one');
    client.socket.send(Buffer.from([1, 2, 3]));
    client.socket.send('two');
    const first = await client.next();
    const second = await client.next();
    const third = await client.next();
    assert.deepEqual([first.text, first.isBinary], ['Echo: one', false]);
    assert.deepEqual([[...second.data], second.isBinary], [[1, 2, 3], true]);
    assert.deepEqual([third.text, third.isBinary], ['Echo: two', false]);
  });

  it('copies binary data: bytes read after the uWS callback returned are intact', async () => {
    const seen: Message[] = [];
    await using server = await startServer({
      handler: async (ws) => {
        await delay(30); // the frames arrive (and uWS detaches their buffers) meanwhile
        for (let i = 0; i < 3; i++) seen.push((await ws.recv()) as Message);
        ws.sendText('done');
      },
    });
    await using client = await TestClient.connect(server.url);
    for (let i = 0; i < 3; i++) client.socket.send(Buffer.alloc(100, i + 1));
    assert.equal((await client.next()).text, 'done');
    assert.deepEqual(
      seen.map((m) => (m.type === 'binary' ? [m.data.byteLength, m.data[0], m.data[99]] : m.type)),
      [
        [100, 1, 1],
        [100, 2, 2],
        [100, 3, 3],
      ],
    );
  });

  it('recv() drains queued messages after the close, then returns null', async () => {
    const got: (string | null)[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await using server = await startServer({
      handler: async (ws) => {
        await ws.closed;
        for (let i = 0; i < 3; i++) {
          const msg = await ws.recv();
          got.push(msg === null ? null : msg.type === 'text' ? msg.text : 'binary');
        }
        done();
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send('a');
    client.socket.send('b');
    client.socket.close(1000);
    await finished;
    assert.deepEqual(got, ['a', 'b', null]);
  });

  it('recvTimeout() tells a timeout (TIMEOUT) from a close (null) and from a message', async () => {
    const outcomes: unknown[] = [];
    await using server = await startServer({
      handler: async (ws) => {
        outcomes.push(await ws.recvTimeout(20));
        ws.sendText('ready');
        const msg = await ws.recvTimeout(10_000);
        outcomes.push(msg !== null && msg !== TIMEOUT && msg.type === 'text' ? msg.text : msg);
        ws.sendText('again');
        outcomes.push(await ws.recvTimeout(10_000));
      },
    });
    await using client = await TestClient.connect(server.url);
    assert.equal((await client.next()).text, 'ready');
    client.socket.send('hello');
    assert.equal((await client.next()).text, 'again');
    client.socket.close(1000);
    await client.closed;
    const conn = await server.connection();
    await conn.closed;
    await delay(0);
    assert.deepEqual(outcomes, [TIMEOUT, 'hello', null]);
  });

  it('recvTimeout() rejects a bad timeout with a TypeError', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using _client = await TestClient.connect(server.url);
    const conn = await server.connection();
    assert.throws(() => conn.recvTimeout(-1), TypeError);
    assert.throws(() => conn.recvTimeout(Number.NaN), TypeError);
  });

  it('the async iterator ends when the connection closes', async () => {
    let iterations = 0;
    let ended = false;
    await using server = await startServer({
      handler: async (ws) => {
        for await (const _ of ws) iterations++;
        ended = true;
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send('x');
    client.socket.close(4000, 'bye');
    await (await server.connection()).closed;
    await delay(0);
    assert.equal(ended, true);
    assert.equal(iterations, 1);
  });

  it('recvJson(Dto) returns a validated instance; invalid input closes with the error code', async () => {
    const moves: unknown[] = [];
    await using server = await startServer({
      handler: async (ws) => {
        for (;;) {
          const move = await ws.recvJson(Move);
          if (move === null) return;
          moves.push(move);
          ws.sendText('ok');
        }
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(JSON.stringify({ piece: 'knight', square: 12 }));
    assert.equal((await client.next()).text, 'ok');
    client.socket.send(JSON.stringify({ piece: 'knight', square: -1 }));
    const closed = await client.closed;
    assert.equal(moves.length, 1);
    assert.ok(moves[0] instanceof Move);
    assert.equal(closed.code, 4422);
    assert.equal(closed.reason, 'Validation failed');
  });

  it('invalid JSON closes with 1007 "Invalid JSON"', async () => {
    await using server = await startServer({ handler: async (ws) => void (await ws.recvJson()) });
    await using client = await TestClient.connect(server.url);
    client.socket.send('{not json');
    assert.deepEqual(await client.closed, { code: 1007, reason: 'Invalid JSON', error: undefined });
  });

  it('json() on a binary message parses its UTF-8 bytes', async () => {
    let parsed: unknown;
    await using server = await startServer({
      handler: async (ws) => {
        parsed = ((await ws.recv()) as Message).json();
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(Buffer.from('{"ü":[1]}'));
    await client.closed;
    assert.deepEqual(parsed, { ü: [1] });
  });
});

describe('sending', () => {
  it('sendJson sends a text frame; sendBinary a binary one; a Message keeps its kind', async () => {
    await using server = await startServer({
      handler: async (ws) => {
        const results = [ws.sendJson({ a: 1 }), ws.sendBinary(new Uint8Array([9])), ws.send((await ws.recv()) as Message)];
        ws.sendJson(results);
      },
    });
    await using client = await TestClient.connect(server.url);
    client.socket.send(Buffer.from([7, 7]));
    const json = await client.next();
    const binary = await client.next();
    const forwarded = await client.next();
    const results = await client.next();
    assert.deepEqual([json.isBinary, JSON.parse(json.text)], [false, { a: 1 }]);
    assert.deepEqual([binary.isBinary, [...binary.data]], [true, [9]]);
    assert.deepEqual([forwarded.isBinary, [...forwarded.data]], [true, [7, 7]]);
    assert.deepEqual(JSON.parse(results.text), ['written', 'written', 'written']);
  });

  it('rejects values that cannot be sent with a TypeError', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using _client = await TestClient.connect(server.url);
    const conn = await server.connection();
    assert.throws(() => conn.sendJson(undefined), TypeError);
    assert.throws(() => conn.send(42 as unknown as string), TypeError);
    assert.throws(() => conn.sendBinary('text' as unknown as Uint8Array), TypeError);
  });

  it('after close every send is a no-op returning "closed", never a throw', async () => {
    let conn!: WebSocketConnection;
    await using server = await startServer({ handler: (ws) => void (conn = ws) });
    await using client = await TestClient.connect(server.url);
    assert.equal((await client.closed).code, 1000);
    await conn.closed;
    const results: SendResult[] = [conn.send('x'), conn.sendText('x'), conn.sendBinary(new Uint8Array(1)), conn.sendJson({}), conn.ping(), conn.pong()];
    assert.deepEqual(results, ['closed', 'closed', 'closed', 'closed', 'closed', 'closed']);
    assert.equal(conn.subscribe('t'), false);
    assert.equal(conn.unsubscribe('t'), false);
    assert.equal(conn.isSubscribed('t'), false);
    assert.deepEqual(conn.topics, []);
    assert.equal(conn.bufferedAmount, 0);
    await conn.drain();
    conn.terminate();
    assert.deepEqual(await conn.close(4000, 'again'), conn.closeInfo);
    assert.equal(conn.closeInfo?.code, 1000);
  });

  it('ping reaches the peer; pong cannot be sent on uWS v20.30 and reports "dropped"', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen() });
    await using client = await TestClient.connect(server.url);
    const pinged = new Promise<string>((resolve) => client.socket.once('ping', (data: Buffer) => resolve(data.toString())));
    const conn = await server.connection();
    assert.equal(conn.ping('are you there'), 'written');
    assert.equal(await pinged, 'are you there');
    assert.equal(conn.pong('unsolicited'), 'dropped');
    assert.throws(() => conn.ping('x'.repeat(126)), TypeError, 'a control frame carries at most 125 bytes');
  });

  it('exposes identity, data and counters', async () => {
    await using server = await startServer({ handler: (ws) => ws.keepOpen(), data: { user: 'ada' } });
    await using client = await TestClient.connect(server.url, ['chat.v1']);
    const conn = await server.connection();
    assert.match(conn.id, /^[0-9a-f-]{36}$/);
    assert.equal(conn.protocol, 'chat.v1');
    assert.equal(client.socket.protocol, 'chat.v1');
    assert.equal(conn.remoteAddress, '127.0.0.1');
    assert.equal(conn.route, '/test');
    assert.equal(conn.requestId, 'req-0');
    assert.deepEqual(conn.data, { user: 'ada' });
    assert.ok(conn.openedAt <= Date.now());
    assert.equal(conn.isOpen, true);
    assert.equal(conn.closeInfo, undefined);
    client.socket.send('a');
    conn.sendText('b');
    await client.next();
    assert.equal(await conn.recv().then((m) => m?.type), 'text');
    assert.deepEqual([conn.messagesIn, conn.messagesOut], [1, 1]);
    assert.equal(conn.log.bindings()['connId'], conn.id);
  });
});
