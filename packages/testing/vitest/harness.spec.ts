// @kindling/testing under vitest: TestServer (HTTP, WebSocket, rejected upgrades, logs),
// testHandler and decorated controllers (the esbuild path of the controllers issue), with DTOs that carry their types in their validators, since esbuild emits no
// decorator metadata. Run through ../test/vitest-compat.test.ts, which counts the passed tests:
// keep its EXPECTED_TESTS in step when adding or removing a test here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { Conn, Controller, Get, Json, Path, Query, Response, Router, Unauthorized, WebSocket, createExtractor, type WebSocketConnection } from '@kindling/core';
import { ExpectationError, TestServer, testHandler } from '@kindling/testing';

class JoinQuery {
  @IsString() @Length(1, 32) name!: string;
  @IsInt() @Min(1) version = 1;
}

class CreateRoom {
  @IsString() @Length(1, 32) name!: string;
}

const Token = createExtractor('Token', (ctx) => {
  if (ctx.header('authorization') !== 'Bearer secret') throw new Unauthorized('bad token');
  return 'secret';
});

function createRouter(): Router {
  return new Router()
    .get('/health', () => ({ ok: true }))
    .post('/rooms', [Json(CreateRoom)], (room) => Response.created({ name: room.name }, `/rooms/${room.name}`))
    .websocket('/echo', async (ws) => {
      for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
    })
    .websocket('/rooms/{room}', [Path(), Query(JoinQuery)], async (path, query, ws) => {
      ws.sendJson({ type: 'welcome', room: path.room, name: query.name, version: query.version });
      for await (const msg of ws) if (msg.type === 'text') ws.sendJson({ type: 'said', text: msg.text });
    })
    .websocket('/secure', [Token], async (_token, ws) => {
      ws.sendText('welcome');
      await ws.recv();
    });
}

describe('TestServer under vitest', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start(createRouter(), { logs: true });
  });
  afterAll(() => server.close());

  it('sends HTTP requests and checks status, headers and JSON', async () => {
    await server.request('GET', '/health').expectStatus(200).expectJson({ ok: true });
    const created = await server
      .request('POST', '/rooms', { body: { name: 'lobby' } })
      .expectStatus(201)
      .expectHeader('location', '/rooms/lobby')
      .expectJson({ name: 'lobby' });
    expect(created.json()).toEqual({ name: 'lobby' });
    await server
      .request('POST', '/rooms', { body: { name: '' } })
      .expectStatus(422)
      .expectJson({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('echoes text and binary frames over a WebSocket', async () => {
    await using ws = await server.ws('/echo');
    ws.sendText('hi');
    await expect(ws.expectText('Echo: hi')).resolves.toBe('Echo: hi');
    ws.sendBinary(new Uint8Array([1, 2, 3]));
    await ws.expectBinary(new Uint8Array([1, 2, 3]));
    await ws.expectNoMessage(50);
  });

  it('converts query strings with the DTO validators', async () => {
    await using ws = await server.ws('/rooms/lobby', { query: { name: 'ann', version: '2' } });
    await ws.expectJson({ type: 'welcome', room: 'lobby', name: 'ann', version: 2 });
    ws.sendText('hello');
    await ws.expectJson({ type: 'said', text: 'hello' });
  });

  it('sees upgrades refused before the 101, with the reason in the log', async () => {
    const rejection = await server.ws('/rooms/lobby').expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
    expect(rejection.status).toBe(400);
    await server.ws('/rooms/lobby', { query: { name: 'ann', version: 'two' } }).expectRejected(400);
    await server.ws('/secure').expectRejected(401, { error: { code: 'UNAUTHORIZED' } });
    await server.expectLog({ msg: 'ws.reject', status: 401, code: 'UNAUTHORIZED' });
    await using ws = await server.ws('/secure', { headers: { authorization: 'Bearer secret' } });
    await ws.expectText('welcome');
  });

  it('rejects with an ExpectationError when an expectation does not hold', async () => {
    await using ws = await server.ws('/echo');
    ws.sendText('hi');
    await expect(ws.expectText('something else', { timeoutMs: 500 })).rejects.toThrow(ExpectationError);
    await expect(ws.expectText('anything', { timeoutMs: 50 })).rejects.toThrow(/nothing within 50 ms/);
    await expect(server.ws('/echo').expectRejected(401)).rejects.toThrow(ExpectationError);
    await expect(server.ws('/secure').then((socket) => socket.close())).rejects.toThrow(/expected: 101 Switching Protocols/);
  });
});

describe('testHandler under vitest', () => {
  it('runs a handler with extractors in memory', async () => {
    const run = testHandler(
      [Path(), Query(JoinQuery)],
      async (path, query, ws) => {
        ws.sendJson({ room: path['room'], name: query.name, version: query.version });
        const msg = await ws.recv();
        if (msg?.type === 'text') ws.sendText(msg.text.toUpperCase());
      },
      { params: { room: 'lobby' }, query: { name: 'ann', version: '3' } },
    );
    await using ws = await run;
    await ws.expectJson({ room: 'lobby', name: 'ann', version: 3 }, { exact: true });
    ws.sendText('bye');
    await ws.expectText('BYE');
    await ws.expectClosed(1000);
    await run.finished;
  });

  it('rejects in memory as the server does', async () => {
    await testHandler([Query(JoinQuery)], async (_query, ws) => ws.sendText('unreachable'), { query: { version: '1' } }).expectRejected(400, {
      error: { code: 'VALIDATION_FAILED' },
    });
    await testHandler(createRouter(), '/secure').expectRejected(401, { error: { code: 'UNAUTHORIZED' } });
  });

  it("runs a router's route with its extractors in memory", async () => {
    await using ws = await testHandler(createRouter(), '/rooms/{room}', { params: { room: 'hall' }, query: { name: 'bo' } });
    await ws.expectJson({ type: 'welcome', room: 'hall', name: 'bo', version: 1 });
  });
});

// Controllers compiled by esbuild: no `design:paramtypes`, so DTO classes must be given
// explicitly, and a parameter without one is a start-up error, never an unvalidated `Object`.
describe('controllers under vitest (no decorator metadata)', () => {
  @Controller('/ctl')
  class RoomController {
    @WebSocket('/rooms/{room}')
    join(@Path(Object) path: { room: string }, @Query(JoinQuery) query: JoinQuery, @Conn() ws: WebSocketConnection) {
      ws.sendJson({ room: path.room, name: query.name, version: query.version });
    }
  }

  it('validates an explicit DTO before the upgrade', async () => {
    await using server = await TestServer.start(new Router().controller(new RoomController()));
    const ws = await server.ws('/ctl/rooms/lobby', { query: { name: 'ada', version: '3' } });
    await ws.expectJson({ room: 'lobby', name: 'ada', version: 3 });
    await server.ws('/ctl/rooms/lobby', { query: { name: 'ada', version: 'zero' } }).expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses a DTO parameter whose class cannot be known, naming class, method and index', () => {
    @Controller()
    class Untyped {
      @Get('/x')
      list(@Query() _query: JoinQuery) {
        return [];
      }
    }
    expect(() => new Router().controller(new Untyped())).toThrow(/Untyped\.list\(\): parameter 0 \(@Query\(\)\) has no known type/);
  });
});
