// Compiled without `emitDecoratorMetadata`, as esbuild, tsx and vitest compile: controllers
// name their DTO classes in the decorators, and leaving one out is a start-up error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { Body, Conn, Controller, Get, Headers, OnEvent, OnMessage, Path, Post, Query, Router, WebSocket, type WebSocketConnection } from '@kindling/core';
import { TestServer } from '@kindling/testing';

class RoomParams {
  @IsString() @Length(1, 16) room!: string;
}
class Since {
  @IsInt() @Min(0) since!: number;
}
class CreateRoom {
  @IsString() @Length(1, 16) name!: string;
}
class ChatEvent {
  @IsString() text!: string;
}

@Controller('/rooms')
class Explicit {
  @Get('/{room}') one(@Path(RoomParams) p: RoomParams, @Query(Since) q: Since) {
    return { room: p.room, since: q.since, isNumber: typeof q.since === 'number' };
  }

  @Post('/') create(@Body(CreateRoom) body: CreateRoom) {
    return { created: body.name };
  }

  @WebSocket('/{room}/live') live(@Conn() ws: WebSocketConnection, @Path(RoomParams) p: RoomParams) {
    ws.sendText(`joined ${p.room}`);
  }

  @OnMessage('/{room}/say', { json: ChatEvent }) say(@Body() ev: ChatEvent) {
    return { said: ev.text };
  }
}

describe('controllers compiled without decorator metadata', () => {
  test('this build really carries no design:paramtypes', () => {
    assert.equal(Reflect.getOwnMetadata('design:paramtypes', Explicit.prototype, 'one'), undefined);
  });

  test('a decorator without its class is a start-up error that says why and how to fix it', () => {
    @Controller()
    class Implicit {
      @Get('/') list(@Query() _q: Since) {}
    }
    @Controller()
    class ImplicitBody {
      @OnMessage('/') say(@Conn() _ws: WebSocketConnection, @Body() _ev: ChatEvent) {}
    }
    assert.throws(
      () => new Router().controller(new Implicit()),
      /Implicit\.list\(\): parameter 0 \(@Query\(\)\) has no known type: the compiler emitted no decorator metadata.*@Query\(MyDto\)/,
    );
    assert.throws(() => new Router().controller(new ImplicitBody()), /ImplicitBody\.say\(\): parameter 1 \(@Body\(\)\) has no known type/);
  });

  test('explicit classes convert and validate as with metadata', async () => {
    await using server = await TestServer.start(new Router().controller(new Explicit()));
    await server
      .request('GET', '/rooms/lobby', { query: { since: '4' } })
      .expectStatus(200)
      .expectJson({ room: 'lobby', since: 4, isNumber: true });
    await server.request('GET', '/rooms/lobby', { query: { since: '-4' } }).expectStatus(400);
    await server.request('POST', '/rooms', { body: { name: '' } }).expectStatus(422);
    await server
      .request('POST', '/rooms', { body: { name: 'den' } })
      .expectStatus(200)
      .expectJson({ created: 'den' });
  });

  test('WebSocket routes validate before the upgrade; @OnMessage takes its class from json', async () => {
    await using server = await TestServer.start(new Router().controller(new Explicit()));
    await server.ws('/rooms/a-name-that-is-too-long/live').expectRejected(400);
    await using live = await server.ws('/rooms/lobby/live');
    await live.expectText('joined lobby');
    await using say = await server.ws('/rooms/lobby/say');
    say.sendJson({ text: 'hi' });
    await say.expectJson({ said: 'hi' });
    say.sendJson({ text: 5 });
    await say.expectJson({ error: { code: 'VALIDATION_FAILED' } });
  });

  test('@OnEvent takes its class from the dto option or @Body(Class); @Body() alone is a start-up error', async () => {
    @Controller('/ev')
    class Events {
      @OnEvent('say', { dto: ChatEvent }) say(@Body() ev: ChatEvent) {
        return { said: ev.text, isDto: ev instanceof ChatEvent };
      }
      @OnEvent('shout') shout(@Body(ChatEvent) ev: ChatEvent) {
        return ev.text.toUpperCase();
      }
    }
    @Controller()
    class ImplicitEvent {
      @OnEvent('say') say(@Body() _ev: ChatEvent) {}
    }
    assert.throws(() => new Router().controller(new ImplicitEvent()), /ImplicitEvent\.say\(\): parameter 0 \(@Body\(\)\) has no known type/);
    await using server = await TestServer.start(new Router().controller(new Events()));
    await using ws = await server.ws('/ev');
    ws.sendJson({ type: 'say', id: 1, data: { text: 'hi' } });
    await ws.expectJson({ id: 1, data: { said: 'hi', isDto: true } }, { exact: true });
    ws.sendJson({ type: 'shout', id: 2, data: { text: 'hi' } });
    await ws.expectJson({ id: 2, data: 'HI' }, { exact: true });
    ws.sendJson({ type: 'shout', id: 3, data: { text: 5 } });
    await ws.expectJson({ error: { code: 'VALIDATION_FAILED', id: 3 } });
  });
});

describe('string DTOs compiled without decorator metadata', () => {
  class Paging {
    @IsOptional() limit?: number;
    @IsString() cursor!: string;
  }

  test('a property with no type validator is a start-up error naming class, property and fix', () => {
    const fix = /Query\(Paging\): Paging\.limit has no type Kindling can read: .*Add an explicit type decorator such as @IsString\(\), @IsInt\(\)/;
    assert.throws(() => new Router().get('/items', [Query(Paging)], (q) => q), { name: 'TypeError', message: fix });
    assert.throws(() => new Router().websocket('/live', [Headers(Paging)], (_h, ws) => ws.close()), /Headers\(Paging\): Paging\.limit has no type/);
    // On a controller the decorator fails as the class is defined, before any route exists.
    assert.throws(() => {
      @Controller()
      class Items {
        @Get('/items') list(@Query(Paging) q: Paging) {
          return q;
        }
      }
      return Items;
    }, /Query\(Paging\): Paging\.limit has no type/);
  });

  test('with a type validator the same DTO converts as it does under tsc', async () => {
    class TypedPaging {
      @IsOptional() @IsInt() limit?: number;
      @IsString() cursor!: string;
    }
    const router = new Router().get('/items', [Query(TypedPaging)], (q) => ({ limit: q.limit, type: typeof q.limit }));
    await using server = await TestServer.start(router);
    await server
      .request('GET', '/items', { query: { limit: '5', cursor: 'a' } })
      .expectStatus(200)
      .expectJson({ limit: 5, type: 'number' });
  });
});
