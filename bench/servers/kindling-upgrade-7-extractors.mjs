// Kindling upgrade route with seven extractors, one of them a class-validator DTO: every upgrade
// resolves and validates all of them before the 101. The runner's request:
//   GET /ws/room/lobby?token=abcdefgh12345678&limit=10
//   X-Client-Version: 1.2.3
//   Cookie: session=s3cr3t; theme=dark
// Plain JavaScript has no decorators, so the DTO is decorated by hand, as tsc would emit it.
// Usage: node kindling-upgrade-7-extractors.mjs [port]
import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Cookies, Header, Headers, Path, Query, RequestId, Router, State } from '@kindling/core';
import { serve } from './kindling-app.mjs';

class WsQuery {}
decorate(WsQuery, 'token', String, IsString(), Length(8, 64));
decorate(WsQuery, 'limit', Number, IsOptional(), IsInt(), Min(1), Max(100));

class AppState {
  rooms = new Map();
}

const router = new Router()
  .state(new AppState())
  .websocket(
    '/ws/room/{room_id}',
    [Path(), Query(WsQuery), Header('x-client-version'), Headers(), Cookies(), RequestId(), State()],
    async (path, query, version, headers, cookies, requestId, state, ws) => {
      for await (const message of ws) ws.send(message);
    },
  )
  .websocket('/echo', async (ws) => {
    for await (const message of ws) ws.send(message);
  });

await serve(router);

/** Applies property decorators and the `design:type` metadata tsc emits for a typed property. */
function decorate(cls, key, type, ...decorators) {
  Reflect.defineMetadata('design:type', type, cls.prototype, key);
  for (const decorator of decorators) decorator(cls.prototype, key);
}
