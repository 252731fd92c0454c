import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsInt, IsString, Length, Min } from 'class-validator';
import {
  Body,
  Conn,
  Controller,
  HttpError,
  OnEvent,
  Path,
  Query,
  Router,
  defineEvents,
  events,
  on,
  payload,
  type EventsFor,
  type WebSocketConnection,
} from '@kindling/core';
import { TestServer, testHandler } from '@kindling/testing';
import { deferred, failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

class Join {
  @IsString() @Length(1, 20) nick!: string;
}
class Room {
  @IsString() room!: string;
}
class ChatSend {
  @IsString() @Length(1, 200) text!: string;
}
class Add {
  @IsInt() a!: number;
  @IsInt() @Min(0) b!: number;
}

interface ChatEmits {
  'chat.message': { from: string; room: string; text: string };
}

const chatEvents = defineEvents(
  {
    'chat.send': on(ChatSend, (path, join, ws, msg) => {
      ws.emit('chat.message', { from: join.nick, room: path.room, text: msg.text });
      return { accepted: msg.text.length, isDto: msg instanceof ChatSend };
    }),
    'math.add': on(Add, async (_path, _join, _ws, sum) => sum.a + sum.b),
    nothing: on((_path, _join, _ws) => undefined),
  },
  { emits: { 'chat.message': payload<ChatEmits['chat.message']>() } },
) satisfies EventsFor<[{ room: string }, Join], ChatEmits>;

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), `timed out waiting until ${what}`);
}

describe('events(): requests, replies and server events', () => {
  it('routes envelopes to handlers with the extracted values and a validated DTO; an id gets the reply', async () => {
    const router = new Router().websocket('/rooms/{room}', [Path(), Query(Join)], events(chatEvents));
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'ann' } });
    ws.sendJson({ type: 'chat.send', id: 1, data: { text: 'hello' } });
    await ws.expectJson({ type: 'chat.message', data: { from: 'ann', room: 'lobby', text: 'hello' } }, { exact: true });
    await ws.expectJson({ id: 1, data: { accepted: 5, isDto: true } }, { exact: true });
    ws.sendJson({ type: 'math.add', id: 'sum-1', data: { a: 2, b: 3 } });
    await ws.expectJson({ id: 'sum-1', data: 5 }, { exact: true });
    // A handler that returns nothing: the reply carries only the id.
    ws.sendJson({ type: 'nothing', id: 2 });
    await ws.expectJson({ id: 2 }, { exact: true });
  });

  it('an event without an id is fire-and-forget: its return value is not sent', async () => {
    const router = new Router().websocket('/rooms/{room}', [Path(), Query(Join)], events(chatEvents));
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'bo' } });
    ws.sendJson({ type: 'chat.send', data: { text: 'no reply wanted' } });
    ws.sendJson({ type: 'math.add', data: { a: 1, b: 1 } });
    ws.sendJson({ type: 'math.add', id: 9, data: { a: 4, b: 4 } });
    await ws.expectJson({ type: 'chat.message', data: { text: 'no reply wanted' } });
    await ws.expectJson({ id: 9, data: 8 }, { exact: true });
    await ws.expectNoMessage(50);
  });
});

describe('events(): bad input gets an error envelope and the connection stays open', () => {
  const router = () => new Router().websocket('/rooms/{room}', [Path(), Query(Join)], events(chatEvents), { maxPayloadLength: 64 * 1024 });

  it('invalid JSON, non-object envelopes, extra keys, a bad type or id, an unknown event', async () => {
    await using server = await TestServer.start(router(), { logs: true });
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'cy' } });
    ws.sendText('{not json');
    await ws.expectJson({ error: { code: 'INVALID_JSON', message: 'Invalid JSON' } }, { exact: true });
    for (const [frame, got] of [
      ['[1,2]', 'an array'],
      ['42', 'a number'],
      ['"chat.send"', 'a string'],
      ['null', 'null'],
    ] as const) {
      ws.sendText(frame);
      await ws.expectJson(
        { error: { code: 'INVALID_ENVELOPE', message: `Invalid event envelope: expected a JSON object { "type", "id"?, "data"? }, got ${got}` } },
        { exact: true },
      );
    }
    ws.sendJson({ type: 'chat.send', id: 3, data: { text: 'x' }, date: 'typo' });
    await ws.expectJson(
      { error: { code: 'INVALID_ENVELOPE', message: 'Invalid event envelope: unknown key "date": an envelope has only "type", "id" and "data"', id: 3 } },
      { exact: true },
    );
    ws.sendJson({ id: 4, data: {} });
    await ws.expectJson({ error: { code: 'INVALID_ENVELOPE', message: 'Invalid event envelope: "type" must be a non-empty string', id: 4 } }, { exact: true });
    ws.sendJson({ type: 'chat.send', id: { n: 1 }, data: { text: 'x' } });
    await ws.expectJson({ error: { code: 'INVALID_ENVELOPE', message: 'Invalid event envelope: "id" must be a string or a number' } }, { exact: true });
    ws.sendJson({ type: 'chat.sned', id: 5, data: { text: 'x' } });
    await ws.expectJson({ error: { code: 'UNKNOWN_EVENT', message: 'Unknown event type', details: { type: 'chat.sned' }, id: 5 } }, { exact: true });
    await server.expectLog({ msg: 'ws.message_rejected', code: 'UNKNOWN_EVENT', eventType: 'chat.sned' });
    // Still open and serving.
    ws.sendJson({ type: 'math.add', id: 6, data: { a: 1, b: 2 } });
    await ws.expectJson({ id: 6, data: 3 }, { exact: true });
  });

  it('data that fails validation: VALIDATION_FAILED with the details and the id; the handler does not run', async () => {
    await using server = await TestServer.start(router());
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'di' } });
    ws.sendJson({ type: 'math.add', id: 7, data: { a: 'two', b: -1 } });
    const failed = await ws.expectJson<{ error: { details: { property: string }[] } }>({ error: { code: 'VALIDATION_FAILED', id: 7 } });
    assert.deepEqual(failed.error.details.map((d) => d.property).sort(), ['a', 'b']);
    ws.sendJson({ type: 'chat.send', id: 8 });
    await ws.expectJson({ error: { code: 'VALIDATION_FAILED', message: 'Validation failed: expected a JSON object, got undefined', id: 8 } });
    await ws.expectNoMessage(50);
  });

  it('a duplicate id while the first request is in flight is refused; the id is free again after the reply', async () => {
    const gate = deferred();
    const slow = defineEvents({
      slow: on(async (_ws, data: unknown) => {
        await gate.promise;
        return data;
      }),
    });
    await using server = await TestServer.start(new Router().websocket('/slow', events(slow, { concurrency: 4 })));
    await using ws = await server.ws('/slow');
    ws.sendJson({ type: 'slow', id: 'r1', data: 'first' });
    ws.sendJson({ type: 'slow', id: 'r1', data: 'second' });
    await ws.expectJson(
      { error: { code: 'DUPLICATE_REQUEST_ID', message: 'A request with this id is already in flight', details: { id: 'r1' }, id: 'r1' } },
      { exact: true },
    );
    gate.resolve();
    await ws.expectJson({ id: 'r1', data: 'first' }, { exact: true });
    ws.sendJson({ type: 'slow', id: 'r1', data: 'third' });
    await ws.expectJson({ id: 'r1', data: 'third' }, { exact: true });
  });

  it('a 1 MiB payload over the route limit closes 1009', async () => {
    await using server = await TestServer.start(router(), { logs: true });
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'ed' } });
    ws.sendJson({ type: 'chat.send', id: 1, data: { text: 'x'.repeat(1024 * 1024) } });
    await ws.expectClosed(1009, 'Payload too large');
    await server.expectLog({ msg: 'ws.payload_too_large', maxPayloadLength: 64 * 1024 });
  });

  it(`closes 1008 "Too many consecutive invalid messages" after maxConsecutiveErrors in a row; a handled message resets the count`, async () => {
    const r = new Router().websocket('/rooms/{room}', [Path(), Query(Join)], events(chatEvents, { maxConsecutiveErrors: 3 }));
    await using server = await TestServer.start(r, { logs: true });
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'fy' } });
    ws.sendText('nope');
    ws.sendJson({ type: 'unknown' });
    ws.sendJson({ type: 'math.add', id: 1, data: { a: 1, b: 1 } });
    await ws.expectJson({ error: { code: 'INVALID_JSON' } });
    await ws.expectJson({ error: { code: 'UNKNOWN_EVENT' } });
    await ws.expectJson({ id: 1, data: 2 });
    for (let i = 0; i < 3; i++) ws.sendJson([i]);
    for (let i = 0; i < 3; i++) await ws.expectJson({ error: { code: 'INVALID_ENVELOPE' } });
    await ws.expectClosed(1008, 'Too many consecutive invalid messages');
    await server.expectLog({ msg: 'ws.too_many_errors', maxConsecutiveErrors: 3 });
  });
});

describe('events(): the $ping liveness check', () => {
  it('is answered by events() itself: {"id"} for a request, nothing without an id, never a handler or an error', async () => {
    const seen: string[] = [];
    const def = defineEvents({ note: on((_ws, data: unknown) => void seen.push(String(data))) });
    await using server = await TestServer.start(new Router().websocket('/live', events(def, { maxConsecutiveErrors: 2 })), { logs: true });
    await using ws = await server.ws('/live');
    // More pings than maxConsecutiveErrors allows failures: none of them counts as one.
    for (let id = 1; id <= 5; id++) ws.sendJson({ type: '$ping', id });
    for (let id = 1; id <= 5; id++) await ws.expectJson({ id }, { exact: true });
    ws.sendJson({ type: '$ping' });
    ws.sendJson({ type: '$ping', id: 'p-6' });
    await ws.expectJson({ id: 'p-6' }, { exact: true });
    ws.sendJson({ type: 'note', id: 7, data: 'after pings' });
    await ws.expectJson({ id: 7 }, { exact: true });
    assert.deepEqual(seen, ['after pings']);
    // Other "$" types are unknown events like any other.
    ws.sendJson({ type: '$pong', id: 8 });
    await ws.expectJson({ error: { code: 'UNKNOWN_EVENT', details: { type: '$pong' }, id: 8 } });
    await ws.expectNoMessage(50);
  });

  it('is answered ahead of messages queued behind a busy handler, so a slow server still looks alive', async () => {
    const gate = deferred();
    const def = defineEvents({ slow: on(() => gate.promise.then(() => 'done')), next: on(() => 'next') });
    await using server = await TestServer.start(new Router().websocket('/busy', events(def)));
    await using ws = await server.ws('/busy');
    ws.sendJson({ type: 'slow', id: 1 });
    ws.sendJson({ type: 'next', id: 2 });
    ws.sendJson({ type: '$ping', id: 3 });
    await ws.expectJson({ id: 3 }, { exact: true });
    gate.resolve();
    await ws.expectJson({ id: 1, data: 'done' }, { exact: true });
    await ws.expectJson({ id: 2, data: 'next' }, { exact: true });
  });

  it('types starting with "$" belong to the protocol: defineEvents and @OnEvent refuse them', () => {
    assert.throws(() => defineEvents({ $ping: on(() => 'mine') }), {
      name: 'TypeError',
      message: 'defineEvents(): event "$ping": types starting with "$" belong to the protocol (events() answers "$ping" itself)',
    });
    assert.throws(() => defineEvents({}, { emits: { $notice: payload<string>() } }), {
      name: 'TypeError',
      message: /event "\$notice": types starting with "\$"/,
    });
    assert.throws(() => OnEvent('$ping'), { name: 'TypeError', message: /@OnEvent\('\$ping'\): types starting with "\$" belong to the protocol/ });
  });
});

describe('events(): handlers that fail', () => {
  const failing = defineEvents({
    forbidden: on(() => {
      throw new HttpError('FORBIDDEN', { message: 'Admins only' });
    }),
    throws: on(() => {
      throw new Error('secret detail');
    }),
    rejects: on(async () => {
      throw new Error('async secret');
    }),
    bigint: on(() => 10n),
    ok: on(() => 'fine'),
  });

  it('a thrown HttpError is its envelope; a throw or rejection is INTERNAL with a generic message, logged with the event type', async () => {
    await using server = await TestServer.start(new Router().websocket('/f', events(failing)), { logs: true });
    await using ws = await server.ws('/f');
    ws.sendJson({ type: 'forbidden', id: 1 });
    ws.sendJson({ type: 'throws', id: 2 });
    ws.sendJson({ type: 'rejects', id: 3 });
    ws.sendJson({ type: 'rejects' });
    ws.sendJson({ type: 'bigint', id: 4 });
    ws.sendJson({ type: 'ok', id: 5 });
    await ws.expectJson({ error: { code: 'FORBIDDEN', message: 'Admins only', id: 1 } }, { exact: true });
    await ws.expectJson({ error: { code: 'INTERNAL', message: 'Internal server error', id: 2 } }, { exact: true });
    await ws.expectJson({ error: { code: 'INTERNAL', message: 'Internal server error', id: 3 } }, { exact: true });
    await ws.expectJson({ error: { code: 'INTERNAL', message: 'Internal server error' } }, { exact: true });
    // A reply JSON cannot represent is a server error too, answered with the request's id.
    await ws.expectJson({ error: { code: 'INTERNAL', message: 'Internal server error', id: 4 } }, { exact: true });
    await ws.expectJson({ id: 5, data: 'fine' }, { exact: true });
    await server.expectLog({ msg: 'ws.handler_error', eventType: 'throws', err: { message: 'secret detail' } });
    await server.expectLog({ msg: 'ws.handler_error', eventType: 'rejects', err: { message: 'async secret' } });
  });

  it('a handler that never resolves holds its slot until the connection closes; then the queued messages still run', async () => {
    const handled: string[] = [];
    const never = new Promise<never>(() => undefined);
    const stuck = defineEvents({
      hang: on(() => never),
      note: on((_ws, data: unknown) => {
        handled.push(String(data));
        return 'noted';
      }),
    });
    await using server = await TestServer.start(new Router().websocket('/stuck', events(stuck)), { logs: true });
    await using ws = await server.ws('/stuck');
    ws.sendJson({ type: 'hang', id: 1 });
    ws.sendJson({ type: 'note', id: 2, data: 'queued behind the hang' });
    await ws.expectNoMessage(100);
    assert.deepEqual(handled, [], 'the only slot is held by the hanging request');
    await ws.close();
    await server.expectLog({ msg: 'ws.close' });
    await waitFor(() => handled.length === 1, 'the queued message ran after the close');
    assert.deepEqual(handled, ['queued behind the hang']);
    // A second connection is not held up by the first one's hanging handler.
    await using other = await server.ws('/stuck');
    other.sendJson({ type: 'note', id: 1, data: 'other' });
    await other.expectJson({ id: 1, data: 'noted' }, { exact: true });
  });
});

describe('events(): per-event options', () => {
  it('concurrency per event: further requests of that event wait, in order; other events are not limited by it', async () => {
    const gates = [deferred(), deferred()];
    let running = 0;
    let most = 0;
    const def = defineEvents({
      job: on(
        async (_ws, n: number) => {
          running++;
          most = Math.max(most, running);
          await gates[n % 2]?.promise;
          running--;
          return n;
        },
        { concurrency: 1 },
      ),
      ping: on(() => 'pong'),
    });
    await using server = await TestServer.start(new Router().websocket('/jobs', events(def, { concurrency: 8 })));
    await using ws = await server.ws('/jobs');
    ws.sendJson({ type: 'job', id: 1, data: 0 });
    ws.sendJson({ type: 'job', id: 2, data: 1 });
    await waitFor(() => running === 1, 'the first job started');
    gates[0]?.resolve();
    await ws.expectJson({ id: 1, data: 0 }, { exact: true });
    gates[1]?.resolve();
    await ws.expectJson({ id: 2, data: 1 }, { exact: true });
    assert.equal(most, 1);
    ws.sendJson({ type: 'ping', id: 3 });
    await ws.expectJson({ id: 3, data: 'pong' }, { exact: true });
  });

  it('rateLimit per event: over it, RATE_LIMITED with retryAfterMs and the id; other events pass', async () => {
    const def = defineEvents({
      limited: on(() => 'ok', { rateLimit: { messages: 2, perMs: 60_000 } }),
      free: on(() => 'free'),
    });
    await using server = await TestServer.start(new Router().websocket('/rl', events(def)));
    await using ws = await server.ws('/rl');
    for (let id = 1; id <= 3; id++) ws.sendJson({ type: 'limited', id });
    ws.sendJson({ type: 'free', id: 4 });
    await ws.expectJson({ id: 1, data: 'ok' }, { exact: true });
    await ws.expectJson({ id: 2, data: 'ok' }, { exact: true });
    const limited = await ws.expectJson<{ error: { details: { retryAfterMs: number } } }>({
      error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded', id: 3 },
    });
    assert.ok(limited.error.details.retryAfterMs > 0 && limited.error.details.retryAfterMs <= 30_000);
    await ws.expectJson({ id: 4, data: 'free' }, { exact: true });
  });

  it('options are checked when the definition and the route are built', () => {
    assert.throws(() => on(() => 1, { concurrency: 0 }), /on\(\): concurrency must be an integer from 1/);
    assert.throws(() => on(() => 1, { rateLimit: { messages: 1, perMs: 0 } }), /on\(\): rateLimit\.perMs must be an integer/);
    assert.throws(() => defineEvents({ a: (() => 1) as never }), /event "a" must be made with on\(Dto, handler\) or on\(handler\)/);
    assert.throws(() => defineEvents({}, { emits: { x: 1 as never } }), /emits "x" must be a class or payload<T>\(\)/);
    assert.throws(() => events({ handlers: {}, emits: {} }), /definition must be made with defineEvents/);
    assert.throws(() => events(defineEvents({}), { concurrency: 0 }), /events: concurrency must be an integer/);
  });
});

describe('@OnEvent controllers', () => {
  @Controller('/rooms/{room}', { events: { maxConsecutiveErrors: 2 } })
  class RoomEvents {
    readonly greeting = 'hi';

    @OnEvent('chat.send')
    send(@Body() msg: ChatSend, @Query() join: Join, @Path() path: Room, @Conn() ws: WebSocketConnection) {
      ws.emit('chat.message', { from: join.nick, room: path.room, text: msg.text });
      return { accepted: msg.text.length, isDto: msg instanceof ChatSend };
    }

    @OnEvent('hello', { rateLimit: { messages: 1, perMs: 60_000 } })
    hello(@Query() join: Join) {
      return `${this.greeting} ${join.nick}`;
    }
  }

  it('serve the same envelopes, replies, emits and errors as an events() route', async () => {
    await using server = await TestServer.start(new Router().controller(new RoomEvents()));
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'gus' } });
    ws.sendJson({ type: 'chat.send', id: 1, data: { text: 'hey' } });
    await ws.expectJson({ type: 'chat.message', data: { from: 'gus', room: 'lobby', text: 'hey' } }, { exact: true });
    await ws.expectJson({ id: 1, data: { accepted: 3, isDto: true } }, { exact: true });
    ws.sendJson({ type: 'hello', id: 2 });
    await ws.expectJson({ id: 2, data: 'hi gus' }, { exact: true });
    ws.sendJson({ type: 'hello', id: 3 });
    await ws.expectJson({ error: { code: 'RATE_LIMITED', id: 3 } });
    ws.sendJson({ type: 'chat.send', id: 4, data: { text: '' } });
    await ws.expectJson({ error: { code: 'VALIDATION_FAILED', id: 4 } });
    // The controller's events options: two failures in a row close the connection.
    await ws.expectClosed(1008, 'Too many consecutive invalid messages');
  });
});

describe('events() in memory', () => {
  it('runs under testHandler like any handler: the same replies and error envelopes, no socket', async () => {
    const def = defineEvents({ add: on(Add, (_ws, sum) => sum.a + sum.b) });
    await using ws = await testHandler(events(def));
    ws.sendJson({ type: 'add', id: 1, data: { a: 2, b: 2 } });
    await ws.expectJson({ id: 1, data: 4 }, { exact: true });
    ws.sendJson({ type: 'sub', id: 2 });
    await ws.expectJson({ error: { code: 'UNKNOWN_EVENT', id: 2 } });
  });
});
