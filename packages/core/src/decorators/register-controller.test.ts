import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsInt, IsString } from 'class-validator';
import type { WebSocketConnection } from '@kindling/websocket';
import type { Middleware } from '../middleware.js';
import { Router, type RouteTable } from '../router/router.js';
import { Controller } from './controller.js';
import { Body, Conn } from './handler-params.js';
import { Cookie, Header } from '../extract/headers.js';
import { Json } from '../extract/json.js';
import { Path } from '../extract/path.js';
import { Query } from '../extract/query.js';
import { State } from '../extract/state.js';
import { Origins, Use } from './policies.js';
import { Get, Post, WebSocket } from './routes.js';

class RoomParams {
  @IsString() room!: string;
}
class WsQuery {
  @IsInt() since!: number;
}
class CreateRoom {
  @IsString() name!: string;
}
interface NotAClass {
  room: string;
}
const pass: Middleware = (_ctx, next) => next();

/** The parts of a route table that the route's behaviour depends on. */
function shape(table: RouteTable) {
  return {
    http: table.http.map(({ def, middleware, state }) => ({
      method: def.method,
      pattern: def.pattern,
      extractors: def.extractors.map((e) => e.name),
      middleware: middleware.length,
      state,
    })),
    websocket: table.websocket.map(({ def, middleware }) => ({
      pattern: def.pattern,
      extractors: def.extractors.map((e) => e.name),
      options: def.options,
      middleware: middleware.length,
    })),
  };
}

describe('router.controller()', () => {
  test('builds the same route table as the DSL', () => {
    @Controller('/chat', { websocket: { maxPayloadLength: 1024 } })
    @Origins(['https://a.example'])
    class Chat {
      @Get('/rooms') list(@State() _s: object, @Query() _q: WsQuery) {}
      @Post('/rooms') @Use(pass) create(@Body() _b: CreateRoom) {}
      @WebSocket('/{room}', { protocols: ['v1'] }) join(@Path() _p: RoomParams, @Cookie('sid') _sid: string, @Conn() _ws: WebSocketConnection) {}
    }
    const state = {};
    const fromController = new Router().state(state).controller(new Chat());
    const options = { maxPayloadLength: 1024, origins: ['https://a.example'], protocols: ['v1'] };
    const fromDsl = new Router()
      .state(state)
      .get('/chat/rooms', [State<object>(), Query(WsQuery)], () => undefined)
      .nest(
        '/chat',
        new Router().use(pass).post('/rooms', [Json(CreateRoom)], () => undefined),
      )
      .websocket('/chat/{room}', [Path(RoomParams), Cookie('sid')], () => undefined, options);
    assert.deepEqual(shape(fromController.routeTable()), shape(fromDsl.routeTable()));
  });

  test('records where each route was declared, for conflict messages', () => {
    @Controller('/c')
    class Where {
      @Get('/a') a() {}
      @WebSocket('/b') b() {}
    }
    const table = new Router().controller(new Where()).routeTable();
    assert.deepEqual(
      table.http.map((r) => r.def.origin),
      ["Where.a() @Get('/a')"],
    );
    assert.deepEqual(
      table.websocket.map((r) => r.def.origin),
      ["Where.b() @WebSocket('/b')"],
    );
  });

  test('refuses what is not a controller instance', () => {
    class Plain {
      @Get('/') a() {}
    }
    @Controller()
    class Empty {}
    @Controller()
    class Decorated {
      @Get('/') a() {}
    }
    assert.throws(() => new Router().controller(new Plain()), /Plain is not a controller: decorate its class with @Controller\(\)/);
    assert.throws(() => new Router().controller(Decorated), /takes an instance: new Decorated\(\.\.\.\), not the class itself/);
    assert.throws(() => new Router().controller(new Empty()), /Empty has no routes/);
    @Controller()
    class Orphan {
      @Get('/') ok() {}
      helper(@Query() _q: WsQuery) {}
    }
    assert.throws(() => new Router().controller(new Orphan()), /Orphan\.helper\(\): its decorators need a route decorator/);
  });

  test('a parameter whose type cannot be known names the class, method and index', () => {
    @Controller()
    class Interface {
      @Get('/') a(@Header('x') _h: string, @Query() _q: NotAClass) {}
    }
    @Controller()
    class Primitive {
      @Get('/{room}') a(@Path() _room: string) {}
    }
    @Controller()
    class Undecorated {
      @Get('/') a(@Header('x') _h: string, _q: WsQuery) {}
    }
    assert.throws(
      () => new Router().controller(new Interface()),
      /Interface\.a\(\): parameter 1 \(@Query\(\)\) is declared as Object, not a DTO class.*@Query\(MyDto\), or @Query\(Object\)/,
    );
    assert.throws(() => new Router().controller(new Primitive()), /Primitive\.a\(\): parameter 0 \(@Path\(\)\) is declared as String/);
    assert.throws(() => new Router().controller(new Undecorated()), /Undecorated\.a\(\): parameter 1 has no decorator/);
  });

  test('a decorator the route kind does not support is a start-up error', () => {
    @Controller()
    class ConnOnHttp {
      @Get('/') a(@Conn() _ws: WebSocketConnection) {}
    }
    @Controller()
    class BodyOnUpgrade {
      @WebSocket('/') a(@Body() _b: CreateRoom) {}
    }
    @Controller()
    class PolicyOnHttp {
      @Get('/') @Origins(['*']) a() {}
    }
    assert.throws(() => new Router().controller(new ConnOnHttp()), /ConnOnHttp\.a\(\): parameter 0 \(@Conn\(\)\) is only available on WebSocket routes/);
    assert.throws(() => new Router().controller(new BodyOnUpgrade()), /BodyOnUpgrade\.a\(\): parameter 0 \(@Body\(\)\) reads a body/);
    assert.throws(() => new Router().controller(new PolicyOnHttp()), /PolicyOnHttp\.a\(\): @Origins\(\) sets origins, which applies to WebSocket routes only/);
  });

  test("the router's own checks are reported with the method that failed them", () => {
    @Controller()
    class BadPath {
      @Get('rooms') a() {}
    }
    @Controller()
    class JsonOnUpgrade {
      @WebSocket('/') a(@Json(CreateRoom) _b: CreateRoom) {}
    }
    @Controller('chat')
    class BadPrefix {
      @Get('/') a() {}
    }
    assert.throws(() => new Router().controller(new BadPrefix()), /@Controller\('chat'\) on BadPrefix: Route path "chat" must start with '\/'/);
    assert.throws(() => new Router().controller(new BadPath()), /^TypeError: BadPath\.a\(\) @Get\('rooms'\): Route path "rooms" must start with '\/'/);
    assert.throws(() => new Router().controller(new JsonOnUpgrade()), /JsonOnUpgrade\.a\(\) @WebSocket\('\/'\): \/: Json\(CreateRoom\) reads an HTTP body/);
  });

  test('an option set twice at one level is an error; a method option wins over the class', () => {
    @Controller('', { websocket: { origins: ['https://a.example'] } })
    @Origins(['https://b.example'])
    class TwiceOnClass {
      @WebSocket('/') a() {}
    }
    @Controller()
    class TwiceOnMethod {
      @WebSocket('/', { origins: ['*'] }) @Origins(['https://b.example']) a() {}
    }
    @Controller()
    @Origins(['https://class.example'])
    class MethodWins {
      @WebSocket('/m') @Origins(['https://method.example']) m() {}
      @WebSocket('/c') c() {}
    }
    assert.throws(
      () => new Router().controller(new TwiceOnClass()),
      /class TwiceOnClass: origins is set twice, by @Controller\(\) options and by @Origins\(\)/,
    );
    assert.throws(
      () => new Router().controller(new TwiceOnMethod()),
      /TwiceOnMethod\.a\(\): origins is set twice, by @WebSocket\('\/'\) options and by @Origins\(\)/,
    );
    const routes = new Router().controller(new MethodWins()).routeTable().websocket;
    assert.deepEqual(
      routes.map((r) => [r.def.pattern, r.def.options.origins]),
      [
        ['/m', ['https://method.example']],
        ['/c', ['https://class.example']],
      ],
    );
  });

  test('a controller that fails registers nothing', () => {
    @Controller('/x')
    class HalfBad {
      @Get('/ok') ok() {}
      @Get('/bad') bad(_missing: string) {}
    }
    const router = new Router();
    assert.throws(() => router.controller(new HalfBad()), /HalfBad\.bad\(\): parameter 0 has no decorator/);
    assert.deepEqual(router.routeTable().http, []);
  });

  test('decorators in the wrong place fail when the class is defined', () => {
    assert.throws(() => {
      @Controller()
      class Ctor {
        constructor(@Query() _q: WsQuery) {}
      }
      return Ctor;
    }, /@Query\(\) decorates method parameters, not constructor parameters/);
    assert.throws(() => {
      class Static {
        @Get('/') static a() {}
      }
      return Static;
    }, /cannot decorate the static member Static\.a/);
    assert.throws(() => {
      class Twice {
        @Get('/') a(@Query() @Header('x') _q: string) {}
      }
      return Twice;
    }, /both decorate parameter 0 of Twice\.a\(\)/);
  });

  test('subclasses inherit routes, middleware and options; redecorating a method replaces its routes', () => {
    @Controller('/base')
    @Use(pass)
    class Base {
      @Get('/hello') hello() {}
      @Get('/old') replaced() {}
    }
    class Child extends Base {
      @Get('/new') override replaced() {}
    }
    const table = new Router().controller(new Child()).routeTable();
    assert.deepEqual(
      table.http.map((r) => [r.def.pattern, r.middleware.length]),
      [
        ['/base/hello', 1],
        ['/base/new', 1],
      ],
    );
  });
});
