// Compile-time tests: this file is type-checked with the test build and never run. Each
// `@ts-expect-error` states the misuse it proves is rejected.
import { IsInt } from 'class-validator';
import { Header, Json, Param, Path, Query, RequestId, Router, State, createExtractor, type QueryRecord, type WebSocketConnection } from '@kindling/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

class Page {
  @IsInt() page!: number;
}
class RoomParams {
  @IsInt() room_id!: number;
}
class AppState {
  rooms = new Map<string, number>();
}
const CurrentUser = createExtractor('CurrentUser', async () => ({ name: 'ada' }));

new Router()
  .get('/users/{id}/posts/:post', [Path(), Query(Page), Header('x-a'), RequestId()], (path, query, header, id) => {
    expectEqual<Simplify<typeof path>, { id: string; post: string }>(true);
    expectEqual<typeof query, Page>(true);
    expectEqual<typeof header, string>(true);
    expectEqual<typeof id, string>(true);
    return { ok: true };
  })
  .get('/raw', [Query(), Header('x-b', { optional: true })], (q, b) => {
    expectEqual<typeof q, QueryRecord>(true);
    expectEqual<typeof b, string | undefined>(true);
    return '';
  })
  .post('/rooms', [State<AppState>(), Json(Page)], (state, body) => {
    expectEqual<typeof state, AppState>(true);
    expectEqual<typeof body, Page>(true);
    return undefined;
  })
  .websocket('/rooms/{room_id}', [Path(RoomParams), State<AppState>(), CurrentUser], async (path, state, user, ws) => {
    expectEqual<typeof path, RoomParams>(true);
    expectEqual<typeof state, AppState>(true);
    expectEqual<typeof user, { name: string }>(true);
    expectEqual<typeof ws, WebSocketConnection>(true);
  })
  .websocket('/echo', async (ws) => {
    expectEqual<typeof ws, WebSocketConnection>(true);
  })
  .get('/files/{*rest}', [Param('rest')], (rest) => rest);

new Router()
  // @ts-expect-error Json() must be the last extractor: the body is read after the others.
  .post('/x', [Json(), Query()], (_body, _query) => 'x');

new Router()
  // @ts-expect-error Json() reads an HTTP body; WebSocket upgrades are GET requests without one.
  .websocket('/x', [Json()], (_body, _ws) => undefined);

new Router()
  // @ts-expect-error 'roomId' is not a parameter of '/rooms/{room}'.
  .get('/rooms/{room}', [Param('roomId')], (room) => room);

new Router()
  // @ts-expect-error the DTO declares room_id but the path has no {room_id}.
  .websocket('/rooms/{id}', [Path(RoomParams)], (_p, _ws) => undefined);

new Router()
  // @ts-expect-error the handler's first parameter is a Page, not a string.
  .get('/typed', [Query(Page)], (q: string) => q);

new Router()
  // @ts-expect-error a WebSocket handler takes the connection last, after every extracted value.
  .websocket('/order', [Query(Page)], (ws: WebSocketConnection, _q: Page) => ws.close());

new Router()
  // @ts-expect-error at most seven extractors per route.
  .get('/many', [RequestId(), RequestId(), RequestId(), RequestId(), RequestId(), RequestId(), RequestId(), RequestId()], () => '');
