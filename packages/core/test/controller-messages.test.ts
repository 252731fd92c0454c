import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsIn, IsString, Length } from 'class-validator';
import {
  Batch,
  Body,
  Conn,
  Controller,
  Heartbeat,
  Msg,
  OnBatch,
  OnMessage,
  Path,
  Query,
  RateLimit,
  Router,
  WebSocket,
  type Message,
  type WebSocketConnection,
} from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

class RoomParams {
  @IsString() @Length(1, 16) room!: string;
}
class ChatEvent {
  @IsIn(['say', 'shout']) kind!: 'say' | 'shout';
  @IsString() @Length(1, 100) text!: string;
}
class Who {
  @IsString() name!: string;
}

@Controller('/chat')
@RateLimit({ messages: 100, perMs: 1_000 })
class ChatController {
  readonly suffix = '!';

  // The message comes first and the connection in the middle: order is the method's own.
  @OnMessage('/{room}')
  event(@Body() ev: ChatEvent, @Conn() ws: WebSocketConnection, @Path() p: RoomParams, @Query() who: Who) {
    const text = ev.kind === 'shout' ? ev.text.toUpperCase() + this.suffix : ev.text;
    return { room: p.room, from: who.name, text, open: ws.isOpen };
  }

  @OnMessage('/raw/echo')
  echo(@Msg() msg: Message) {
    return msg.type === 'text' ? `echo ${msg.text}` : msg.data;
  }

  @OnMessage('/parsed', { json: true, maxConsecutiveErrors: 1 })
  parsed(@Msg() value: unknown) {
    return { got: value };
  }

  @OnBatch('/ingest', { size: 3, timeoutMs: 60_000 })
  ingest(@Batch() msgs: Message[], @Conn() ws: WebSocketConnection) {
    ws.sendJson(msgs.map((m) => (m.type === 'text' ? m.text : '?')));
  }

  @WebSocket('/strict')
  @RateLimit({ messages: 1, perMs: 60_000, grace: 0 })
  @Heartbeat(false)
  async strict(@Conn() ws: WebSocketConnection) {
    for await (const msg of ws) if (msg.type === 'text') ws.sendText(`ok ${msg.text}`);
  }
}

const router = () => new Router().controller(new ChatController());

describe('controller message routes', () => {
  test('@OnMessage validates each message into the @Body() class; the reply is the return value', async () => {
    await using server = await TestServer.start(router());
    await using ws = await server.ws('/chat/lobby', { query: { name: 'ada' } });
    ws.sendJson({ kind: 'shout', text: 'hi' });
    await ws.expectJson({ room: 'lobby', from: 'ada', text: 'HI!', open: true });
    ws.sendJson({ kind: 'whisper', text: 'hi' });
    const reply = (await ws.expectJson({ error: { code: 'VALIDATION_FAILED' } })) as { error: { details: Array<{ property: string }> } };
    assert.deepEqual(
      reply.error.details.map((d) => d.property),
      ['kind'],
    );
    ws.sendJson({ kind: 'say', text: 'still here' });
    await ws.expectJson({ text: 'still here' });
  });

  test('@OnMessage extractors run before the upgrade', async () => {
    await using server = await TestServer.start(router());
    await server.ws('/chat/lobby').expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
    await server.ws('/chat/far-too-long-a-room-name', { query: { name: 'ada' } }).expectRejected(400);
  });

  test('@Msg() is the raw message, or the parsed value with { json: true }', async () => {
    await using server = await TestServer.start(router());
    await using raw = await server.ws('/chat/raw/echo');
    raw.sendText('one');
    await raw.expectText('echo one');
    raw.sendBinary(new Uint8Array([7]));
    await raw.expectBinary(new Uint8Array([7]));
    await using parsed = await server.ws('/chat/parsed');
    parsed.sendText('[1,2]');
    await parsed.expectJson({ got: [1, 2] });
    parsed.sendText('not json');
    await parsed.expectJson({ error: { code: 'INVALID_JSON' } });
    await parsed.expectClosed(1008);
  });

  test('@OnBatch hands the method batches of its size', async () => {
    await using server = await TestServer.start(router());
    await using ws = await server.ws('/chat/ingest');
    for (const text of ['a', 'b', 'c', 'd']) ws.sendText(text);
    await ws.expectJson(['a', 'b', 'c']);
    await ws.expectNoMessage(50);
  });

  test('a method @RateLimit replaces the class one', async () => {
    await using server = await TestServer.start(router());
    await using ws = await server.ws('/chat/strict');
    ws.sendText('1');
    await ws.expectText('ok 1');
    ws.sendText('2');
    await ws.expectClosed(1008, 'rate limit exceeded');
  });
});
