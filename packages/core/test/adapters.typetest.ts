// Compile-time tests: this file is type-checked with the test build and never run. The
// extractors' types must reach messageHandler/batchHandler callbacks with no annotations.
import { IsInt, IsString } from 'class-validator';
import {
  Path,
  Query,
  Router,
  State,
  batchHandler,
  messageHandler,
  type AdaptedHandler,
  type Message,
  type WebSocketConnection,
  type WebSocketRouteOptions,
} from '@kindling/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

class Q {
  @IsString() name!: string;
}
class ChatEvent {
  @IsString() text!: string;
}
class Page {
  @IsInt() page!: number;
}
class AppState {
  users = 0;
}

new Router()
  .websocket(
    '/chat',
    messageHandler(async (ws, msg) => {
      expectEqual<typeof ws, WebSocketConnection>(true);
      expectEqual<typeof msg, Message>(true);
    }),
  )
  .websocket(
    '/rooms/{room}',
    [Path(), Query(Q)],
    messageHandler(
      async (path, q, ws, msg) => {
        expectEqual<Simplify<typeof path>, { room: string }>(true);
        expectEqual<typeof q, Q>(true);
        expectEqual<typeof ws, WebSocketConnection>(true);
        expectEqual<typeof msg, ChatEvent>(true);
        return { echo: msg.text };
      },
      { json: ChatEvent, concurrency: 2 },
    ),
  )
  .websocket(
    '/raw-json',
    [State<AppState>()],
    messageHandler(
      (state, ws, value) => {
        expectEqual<typeof state, AppState>(true);
        expectEqual<typeof value, unknown>(true);
      },
      { json: true },
    ),
  )
  .websocket(
    '/ingest',
    [Query(Q)],
    batchHandler(
      async (q, ws, msgs) => {
        expectEqual<typeof q, Q>(true);
        expectEqual<typeof ws, WebSocketConnection>(true);
        expectEqual<typeof msgs, Message[]>(true);
      },
      { size: 50, timeoutMs: 100 },
    ),
  )
  .websocket(
    '/with-options',
    [Query(Page)],
    batchHandler((page, ws, msgs) => msgs.length + page.page, { size: 10, timeoutMs: 5, maxBuffered: 100 }),
    { heartbeat: { intervalMs: 5_000, timeoutMs: 2_000 }, rateLimit: { messages: 10, perMs: 1_000, policy: 'notify' } },
  )
  .websocket(
    '/bad-param',
    [Query(Q)],
    // @ts-expect-error the first parameter is the Query DTO, not a number
    messageHandler(async (q: number, ws, msg) => {}),
  )
  .websocket(
    '/too-many-params',
    // @ts-expect-error the route has no extractor, so the callback cannot take three leading values
    messageHandler(async (a: string, b: string, ws: WebSocketConnection, msg: Message) => {}),
  )
  .websocket(
    '/bad-dto',
    // @ts-expect-error with `json: ChatEvent` the message is a ChatEvent, not a Page
    messageHandler(async (ws, msg: Page) => {}, { json: ChatEvent }),
  );

const badPolicy: WebSocketRouteOptions = {
  // @ts-expect-error 'kick' is not a rate limit policy
  rateLimit: { messages: 1, perMs: 1, policy: 'kick' },
};
const badHeartbeat: WebSocketRouteOptions = {
  // @ts-expect-error a heartbeat needs both intervalMs and timeoutMs
  heartbeat: { intervalMs: 1_000 },
};
void badPolicy;
void badHeartbeat;

// @ts-expect-error batchHandler needs { size, timeoutMs }
batchHandler((ws, msgs) => undefined);

// The adapter is an ordinary connection handler.
const adapted: AdaptedHandler<[Q]> = messageHandler((q: Q, ws, msg) => undefined);
expectEqual<typeof adapted, (...args: [Q, WebSocketConnection]) => PromiseLike<void>>(true);
