import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import {
  App,
  Body,
  Conn,
  Controller,
  Cookie,
  createExtractor,
  Delete,
  Extension,
  Extract,
  Get,
  Header,
  Headers,
  Origins,
  Path,
  Post,
  Query,
  RequestId,
  Response,
  Router,
  State,
  Unauthorized,
  Use,
  WebSocket,
  type Middleware,
  type WebSocketConnection,
} from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

class RoomParams {
  @IsString() @Length(1, 16) room!: string;
}
class WsQuery {
  @IsString() name!: string;
  @IsOptional() @IsInt() @Min(0) since?: number;
}
class CreateRoom {
  @IsString() @Length(1, 16) name!: string;
}
class Page {
  @IsInt() @Min(1) page!: number;
}
class AppState {
  readonly rooms = new Set<string>(['lobby']);
}
class Clock {
  now(): string {
    return 'noon';
  }
}

const CurrentUser = createExtractor('CurrentUser', async (ctx) => {
  await new Promise((resolve) => setImmediate(resolve));
  if (ctx.header('authorization') !== 'Bearer good') throw new Unauthorized('Bad token');
  return { name: 'ada' };
});

@Controller('/rooms')
class RoomController {
  readonly greeting = 'hello';

  @Get('/') list(@State() state: AppState, @Query() page: Page) {
    return { rooms: [...state.rooms], page: page.page, isNumber: typeof page.page === 'number' };
  }

  // The body parameter comes first: it is still read after the other extractors.
  @Post('/') create(@Body() body: CreateRoom, @State() state: AppState, @RequestId() id: string) {
    state.rooms.add(body.name);
    return Response.created({ name: body.name, idLength: id.length });
  }

  @Delete('/{room}') remove(@Path() p: RoomParams, @State() state: AppState) {
    return { removed: state.rooms.delete(p.room) };
  }

  @Get('/{room}/hello') hello(@Path(Object) p: Record<string, string>, @Extension(Clock) clock: Clock) {
    return { text: `${this.greeting} ${p['room']} at ${clock.now()}` };
  }

  @Get('/me') me(@Extract(CurrentUser) user: { name: string }, @Header('x-trace', { optional: true }) trace: string | undefined) {
    return { user: user.name, trace: trace ?? null };
  }

  @WebSocket('/{room}/live')
  async live(@Conn() ws: WebSocketConnection, @Path() p: RoomParams, @Query() q: WsQuery, @Cookie('session') session: string) {
    ws.sendJson({ room: p.room, name: q.name, since: q.since ?? null, session, greeting: this.greeting });
    for await (const msg of ws) if (msg.type === 'text') ws.sendText(`${q.name}: ${msg.text}`);
  }
}

const calls: string[] = [];
const mark =
  (name: string): Middleware =>
  async (ctx, next) => {
    calls.push(`${name} ${ctx.path}`);
    return next();
  };
const denyWithoutKey: Middleware = (ctx, next) => (ctx.header('x-key') === 'k' ? next() : Response.json({ denied: true }, 403));

@Controller('/admin')
@Use(mark('class-a'), mark('class-b'))
@Origins(['https://admin.example'])
class AdminController {
  @Get('/stats') @Use(mark('method')) stats() {
    return { ok: true };
  }

  @WebSocket('/feed') @Use(denyWithoutKey) feed(@Conn() ws: WebSocketConnection, @Headers(Object) headers: Record<string, string>) {
    ws.sendText(headers['x-key'] ?? '');
  }

  @WebSocket('/open') @Origins(['*']) open(@Conn() ws: WebSocketConnection) {
    ws.sendText('open');
  }
}

function app(): Router {
  return new Router().state(new AppState()).extension(new Clock()).use(mark('router')).controller(new RoomController()).controller(new AdminController());
}

describe('controllers over HTTP', () => {
  test('DTOs come from the declared parameter types, and methods are bound to the instance', async () => {
    await using server = await TestServer.start(app());
    await server
      .request('GET', '/rooms', { query: { page: '2' } })
      .expectStatus(200)
      .expectJson({ rooms: ['lobby'], page: 2, isNumber: true });
    await server.request('GET', '/rooms/lobby/hello').expectStatus(200).expectJson({ text: 'hello lobby at noon' });
  });

  test('an invalid query, path or body is rejected with the DSL statuses', async () => {
    await using server = await TestServer.start(app());
    const query = await server.request('GET', '/rooms', { query: { page: '0' } }).expectStatus(400);
    assert.equal((query.json() as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    await server.request('DELETE', '/rooms/this-name-is-far-too-long').expectStatus(400);
    await server.request('POST', '/rooms', { body: { name: '' } }).expectStatus(422);
    await server.request('POST', '/rooms', { body: 'x', headers: { 'content-type': 'text/plain' } }).expectStatus(415);
  });

  test('a body parameter is read after the others, wherever it stands', async () => {
    await using server = await TestServer.start(app());
    await server
      .request('POST', '/rooms', { body: { name: 'den' } })
      .expectStatus(201)
      .expectJson({ name: 'den', idLength: 36 });
    await server.request('DELETE', '/rooms/den').expectStatus(200).expectJson({ removed: true });
    await server.request('DELETE', '/rooms/den').expectStatus(200).expectJson({ removed: false });
  });

  test('custom extractors run through @Extract and may reject', async () => {
    await using server = await TestServer.start(app());
    await server.request('GET', '/rooms/me').expectStatus(401);
    await server.request('GET', '/rooms/me', { headers: { authorization: 'Bearer good', 'x-trace': 't1' } }).expectJson({ user: 'ada', trace: 't1' });
  });

  test('middleware runs router first, then class (in order), then method', async () => {
    await using server = await TestServer.start(app());
    calls.length = 0;
    await server.request('GET', '/admin/stats').expectStatus(200).expectJson({ ok: true });
    assert.deepEqual(calls, ['router /admin/stats', 'class-a /admin/stats', 'class-b /admin/stats', 'method /admin/stats']);
    calls.length = 0;
    await server.request('GET', '/rooms', { query: { page: '1' } }).expectStatus(200);
    assert.deepEqual(calls, ['router /rooms'], 'class middleware stays inside its controller');
  });
});

describe('controllers over WebSocket', () => {
  test('extractors run before the upgrade: bad input never sees a 101', async () => {
    await using server = await TestServer.start(app());
    await server.ws('/rooms/lobby/live', { query: { name: 'ada', since: '-1' }, cookies: { session: 's' } }).expectRejected(400);
    await server.ws('/rooms/lobby/live', { query: { since: '1' }, cookies: { session: 's' } }).expectRejected(400);
    await server.ws('/rooms/lobby/live', { query: { name: 'ada' } }).expectRejected(400, { error: { code: 'MISSING_COOKIE' } });
    await server.ws('/rooms/this-name-is-far-too-long/live', { query: { name: 'ada' }, cookies: { session: 's' } }).expectRejected(400);
  });

  test('a valid upgrade reaches the method with converted values and the connection', async () => {
    await using server = await TestServer.start(app());
    await using ws = await server.ws('/rooms/lobby/live', { query: { name: 'ada', since: '5' }, cookies: { session: 's1' } });
    await ws.expectJson({ room: 'lobby', name: 'ada', since: 5, session: 's1', greeting: 'hello' });
    ws.sendText('hi');
    await ws.expectText('ada: hi');
  });

  test('method middleware and origin policies apply to the upgrade; the method wins over the class', async () => {
    await using server = await TestServer.start(app());
    await server.ws('/admin/feed', { origin: 'https://admin.example' }).expectRejected(403, { denied: true });
    await server
      .ws('/admin/feed', { origin: 'https://evil.example', headers: { 'x-key': 'k' } })
      .expectRejected(403, { error: { code: 'ORIGIN_NOT_ALLOWED' } });
    await using feed = await server.ws('/admin/feed', { origin: 'https://admin.example', headers: { 'x-key': 'k' } });
    await feed.expectText('k');
    await using open = await server.ws('/admin/open', { origin: 'https://evil.example' });
    await open.expectText('open');
  });
});

describe('composing controllers', () => {
  @Controller('/rooms')
  class OtherRooms {
    @Get('/') list() {
      return [];
    }
  }

  test('a route two controllers declare is a start-up error naming both methods', () => {
    const router = new Router().controller(new RoomController()).controller(new OtherRooms());
    assert.throws(
      () => new App(router, { logger: false }),
      /Route conflict: GET '\/rooms' has the same shape as GET '\/rooms'.*\(OtherRooms\.list\(\) @Get\('\/'\) clashes with RoomController\.\w+\(\) @Get\('\/'\)\)/,
    );
  });

  test('a controller route colliding with a DSL route is found the same way, in either order', () => {
    const dslFirst = new Router().get('/rooms', () => []).controller(new OtherRooms());
    assert.throws(() => new App(dslFirst, { logger: false }), /Route conflict: GET '\/rooms'.*OtherRooms\.list\(\) @Get\('\/'\) clashes with get\('\/rooms'\)/);
    const controllerFirst = new Router().controller(new OtherRooms()).get('/rooms', () => []);
    assert.throws(() => new App(controllerFirst, { logger: false }), /Route conflict: GET '\/rooms'.*OtherRooms\.list\(\) @Get\('\/'\)/);
  });
});
