import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsString } from 'class-validator';
import { batchHandler, messageHandler, type Message, type WebSocketConnection } from '@kindling/websocket';
import { Router, type RouteTable } from '../router/router.js';
import { Controller } from './controller.js';
import { Batch, Body, Conn, Msg } from './handler-params.js';
import { OnBatch, OnMessage } from './message-routes.js';
import { Path } from '../extract/path.js';
import { Query } from '../extract/query.js';
import { Heartbeat, RateLimit } from './policies.js';
import { WebSocket } from './routes.js';

class RoomParams {
  @IsString() room!: string;
}
class ChatEvent {
  @IsString() text!: string;
}
class Other {
  @IsString() other!: string;
}

function shape(table: RouteTable) {
  return table.websocket.map(({ def }) => ({ pattern: def.pattern, extractors: def.extractors.map((e) => e.name), options: def.options }));
}

describe('@OnMessage and @OnBatch', () => {
  test('build the same route table as messageHandler and batchHandler routes', () => {
    @Controller('/ws')
    @Heartbeat({ intervalMs: 1_000, timeoutMs: 500 })
    class Chat {
      @OnMessage('/{room}', { websocket: { maxPayloadLength: 512 } })
      @RateLimit({ messages: 5, perMs: 1_000 })
      say(@Path() _p: RoomParams, @Body() _ev: ChatEvent, @Conn() _ws: WebSocketConnection) {}
      @OnBatch('/ingest', { size: 10, timeoutMs: 50 }) ingest(@Query(Object) _q: object, @Batch() _msgs: Message[]) {}
    }
    const heartbeat = { intervalMs: 1_000, timeoutMs: 500 };
    const dsl = new Router()
      .websocket(
        '/ws/{room}',
        [Path(RoomParams)],
        messageHandler((_p, _ws, _ev) => undefined, { json: ChatEvent }),
        {
          heartbeat,
          maxPayloadLength: 512,
          rateLimit: { messages: 5, perMs: 1_000 },
        },
      )
      .websocket(
        '/ws/ingest',
        [Query()],
        batchHandler((_q, _ws, _msgs) => undefined, { size: 10, timeoutMs: 50 }),
        { heartbeat },
      );
    assert.deepEqual(shape(new Router().controller(new Chat()).routeTable()), shape(dsl.routeTable()));
  });

  test('@Msg() and @Batch() only fit their own route kinds', () => {
    @Controller()
    class MsgOnUpgrade {
      @WebSocket('/') a(@Msg() _m: Message) {}
    }
    @Controller()
    class BatchOnMessage {
      @OnMessage('/') a(@Batch() _m: Message[]) {}
    }
    @Controller()
    class BodyOnBatch {
      @OnBatch('/', { size: 1, timeoutMs: 0 }) a(@Body() _b: ChatEvent) {}
    }
    assert.throws(() => new Router().controller(new MsgOnUpgrade()), /MsgOnUpgrade\.a\(\): parameter 0 \(@Msg\(\)\) is only available on @OnMessage routes/);
    assert.throws(
      () => new Router().controller(new BatchOnMessage()),
      /BatchOnMessage\.a\(\): parameter 0 \(@Batch\(\)\) is only available on @OnBatch routes/,
    );
    assert.throws(() => new Router().controller(new BodyOnBatch()), /BodyOnBatch\.a\(\): parameter 0 \(@Body\(\)\) reads a body/);
  });

  test('the message class must agree between @Body and the json option', () => {
    @Controller()
    class ExplicitMismatch {
      @OnMessage('/', { json: ChatEvent }) a(@Body(Other) _b: Other) {}
    }
    @Controller()
    class DeclaredMismatch {
      @OnMessage('/', { json: ChatEvent }) a(@Body() _b: Other) {}
    }
    @Controller()
    class Unknown {
      @OnMessage('/') a(@Conn() _ws: WebSocketConnection, @Body() _b: { text: string }) {}
    }
    @Controller()
    class Agree {
      @OnMessage('/a', { json: ChatEvent }) a(@Body() _b: ChatEvent) {}
      @OnMessage('/b', { json: true }) b(@Body(Object) _b: unknown) {}
    }
    assert.throws(
      () => new Router().controller(new ExplicitMismatch()),
      /ExplicitMismatch\.a\(\): parameter 0 \(@Body\(Other\)\) asks for Other but @OnMessage\('\/'\) parses messages as ChatEvent/,
    );
    assert.throws(() => new Router().controller(new DeclaredMismatch()), /DeclaredMismatch\.a\(\): parameter 0 \(@Body\(\)\) asks for Other/);
    assert.throws(() => new Router().controller(new Unknown()), /Unknown\.a\(\): parameter 1 \(@Body\(\)\) is declared as Object/);
    assert.equal(new Router().controller(new Agree()).routeTable().websocket.length, 2);
  });

  test("the adapters' and the policies' option checks name the method", () => {
    @Controller()
    class BadBatch {
      @OnBatch('/', { size: 0, timeoutMs: 10 }) a() {}
    }
    @Controller()
    class BadConcurrency {
      @OnMessage('/', { concurrency: -1 }) a() {}
    }
    @Controller()
    @Heartbeat({ intervalMs: 1, timeoutMs: 1_000 })
    class BadHeartbeat {
      @WebSocket('/') a() {}
    }
    assert.throws(() => new Router().controller(new BadHeartbeat()), /BadHeartbeat\.a\(\) @WebSocket\('\/'\): heartbeat\.intervalMs must be an integer/);
    assert.throws(() => new Router().controller(new BadBatch()), /BadBatch\.a\(\) @OnBatch\('\/'\): batchHandler: size must be an integer/);
    assert.throws(
      () => new Router().controller(new BadConcurrency()),
      /BadConcurrency\.a\(\) @OnMessage\('\/'\): messageHandler: concurrency must be an integer/,
    );
  });
});
