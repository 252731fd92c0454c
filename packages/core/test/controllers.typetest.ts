// Compile-time tests for controllers: type-checked with the test build and never run. Each
// `@ts-expect-error` states the misuse it proves is rejected.
import { IsInt, IsString } from 'class-validator';
import { Body, Conn, Controller, Get, Path, Query, Router, State, WebSocket, type QueryRecord, type WebSocketConnection } from '@kindling/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

class Page {
  @IsInt() page!: number;
}
class RoomParams {
  @IsString() room!: string;
}

// The extractors keep their DSL types while doubling as decorators.
new Router()
  .get('/rooms/{room}', [Path(), Query(Page)], (path, page) => {
    expectEqual<typeof path, { room: string }>(true);
    expectEqual<typeof page, Page>(true);
  })
  .get('/raw/{room}', [Path(Object), Query(Object)], (path, query) => {
    expectEqual<typeof path, { room: string }>(true);
    expectEqual<typeof query, QueryRecord>(true);
  })
  // @ts-expect-error -- Path(Dto) still requires its properties in the path, as before.
  .get('/nothing', [Path(RoomParams)], (_p) => null);

@Controller('/typed')
export class Typed {
  @Get('/') list(@Query() _page: Page, @State() _state: unknown) {}
  @WebSocket('/{room}') join(@Path() _p: RoomParams, @Conn() _ws: WebSocketConnection) {}
  @Get('/body') body(@Body(Page) _b: Page) {}

  // @ts-expect-error -- a route decorator cannot decorate a field.
  @Get('/field') field = 1;

  // @ts-expect-error -- a parameter decorator cannot decorate a method.
  @Conn() notAParameter() {}
}

export class NotAClassDecorator {
  // @ts-expect-error -- @Controller decorates classes, not methods.
  @Controller('/x') method() {}
}
