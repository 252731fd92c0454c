import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsString } from 'class-validator';
import { events, defineEvents, on, type WebSocketConnection } from '@kindling/websocket';
import { Router, type RouteTable } from '../router/router.js';
import { Controller } from './controller.js';
import { OnEvent } from './event-routes.js';
import { Body, Conn } from './handler-params.js';
import { Path } from '../extract/path.js';
import { Query } from '../extract/query.js';
import { Heartbeat, RateLimit, Use } from './policies.js';

class RoomParams {
  @IsString() room!: string;
}
class ChatSend {
  @IsString() text!: string;
}
class Join {
  @IsString() nick!: string;
}

function shape(table: RouteTable) {
  return table.websocket.map(({ def }) => ({ pattern: def.pattern, extractors: def.extractors.map((e) => e.name), options: def.options }));
}

describe('@OnEvent', () => {
  test('the events on one path form one events() route, as the DSL writes it', () => {
    @Controller('/chat', { websocket: { maxPayloadLength: 4096 }, events: { concurrency: 2 } })
    @Heartbeat({ intervalMs: 1_000, timeoutMs: 500 })
    class Chat {
      @OnEvent('chat.send') send(@Query() _j: Join, @Body() _m: ChatSend, @Conn() _ws: WebSocketConnection) {}
      @OnEvent('chat.typing') typing(@Conn() _ws: WebSocketConnection) {}
      @OnEvent('room.join', { path: '/{room}', dto: ChatSend }) join(@Path() _p: RoomParams) {}
    }
    const options = { maxPayloadLength: 4096, heartbeat: { intervalMs: 1_000, timeoutMs: 500 } };
    const dsl = new Router()
      .websocket(
        '/chat',
        [Query(Join)],
        events(defineEvents({ 'chat.send': on(ChatSend, (_j, _ws, _m) => undefined), 'chat.typing': on((_j, _ws) => undefined) }), { concurrency: 2 }),
        options,
      )
      .websocket('/chat/{room}', [Path(RoomParams)], events(defineEvents({ 'room.join': on(ChatSend, (_p, _ws, _m) => undefined) })), options);
    assert.deepEqual(shape(new Router().controller(new Chat()).routeTable()), shape(dsl.routeTable()));
  });

  test('misuse is a start-up error naming the method', () => {
    @Controller()
    class Twice {
      @OnEvent('a') one() {}
      @OnEvent('a') two() {}
    }
    @Controller()
    class MethodPolicy {
      @OnEvent('a') @RateLimit({ messages: 1, perMs: 1 }) one() {}
    }
    @Controller()
    class MethodMiddleware {
      @OnEvent('a') @Use(async (_ctx, next) => next()) one() {}
    }
    @Controller()
    class Mismatch {
      @OnEvent('a', { dto: ChatSend }) one(@Body() _b: Join) {}
    }
    @Controller()
    class BadOption {
      @OnEvent('a', { concurrency: 0 }) one() {}
    }
    assert.throws(() => new Router().controller(new Twice()), /Twice\.two\(\) @OnEvent\('a'\): event "a" is handled twice on \//);
    assert.throws(
      () => new Router().controller(new MethodPolicy()),
      /MethodPolicy\.one\(\) @OnEvent\('a'\): @RateLimit\(\) sets rateLimit on one event; set it on the class/,
    );
    assert.throws(() => new Router().controller(new MethodMiddleware()), /MethodMiddleware\.one\(\) @OnEvent\('a'\): @Use\(\) on one event/);
    assert.throws(
      () => new Router().controller(new Mismatch()),
      /Mismatch\.one\(\): parameter 0 \(@Body\(\)\) asks for Join but @OnEvent\('a'\) parses messages as ChatSend \(its dto option\)/,
    );
    assert.throws(() => new Router().controller(new BadOption()), /BadOption @OnEvent\('a'\): on\(\): concurrency must be an integer/);
    assert.throws(() => OnEvent(''), /@OnEvent\(type\): type must be a non-empty string/);
  });
});
