import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsInt, IsString, Length } from 'class-validator';
import { KindlingError, Path, Query, Router, batchHandler, messageHandler, type Message } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors, deferred } from './fixtures.js';

failOnEscapedErrors();

class Nick {
  @IsString() @Length(1, 20) nick!: string;
}
class ChatEvent {
  @IsString() @Length(1, 200) text!: string;
}
class Ingest {
  @IsString() source!: string;
}
class Reading {
  @IsInt() value!: number;
}

function text(msg: Message): string {
  return msg.type === 'text' ? msg.text : '(binary)';
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), `timed out waiting until ${what}`);
}

describe('messageHandler through the router', () => {
  it('gets the extracted values, a validated DTO per message, and sends what it returns', async () => {
    const router = new Router().websocket(
      '/rooms/{room}',
      [Path(), Query(Nick)],
      messageHandler(async (path, query, ws, event) => ({ room: path.room, from: query.nick, text: event.text, isEvent: event instanceof ChatEvent }), {
        json: ChatEvent,
      }),
    );
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/rooms/lobby', { query: { nick: 'ann' } });
    ws.sendJson({ text: 'hello' });
    ws.sendJson({ text: 'again' });
    await ws.expectJson({ room: 'lobby', from: 'ann', text: 'hello', isEvent: true }, { exact: true });
    await ws.expectJson({ room: 'lobby', from: 'ann', text: 'again', isEvent: true }, { exact: true });
  });

  it('answers an invalid message with an error envelope carrying its id, and keeps going', async () => {
    const router = new Router().websocket(
      '/chat',
      messageHandler((ws, event) => `ok ${event.text}`, { json: ChatEvent }),
    );
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/chat');
    ws.sendJson({ id: 'm1', text: '' });
    ws.sendText('{not json');
    ws.sendJson({ id: 7, text: 'fine' });
    const invalid = await ws.expectJson<{ error: { details: unknown[] } }>({ error: { code: 'VALIDATION_FAILED', id: 'm1' } });
    assert.equal(invalid.error.details.length, 1);
    await ws.expectJson({ error: { code: 'INVALID_JSON', message: 'Invalid JSON' } }, { exact: true });
    await ws.expectText('ok fine');
    assert.equal(ws.isOpen, true);
  });

  it(`closes 1008 "Too many consecutive invalid messages" after maxConsecutiveErrors in a row`, async () => {
    const router = new Router().websocket(
      '/chat',
      messageHandler(() => 'ok', { json: ChatEvent, maxConsecutiveErrors: 3 }),
    );
    await using server = await TestServer.start(router, { logs: true });
    await using ws = await server.ws('/chat');
    for (let i = 0; i < 3; i++) ws.sendText('nope');
    for (let i = 0; i < 3; i++) await ws.expectJson({ error: { code: 'INVALID_JSON' } });
    await ws.expectClosed(1008, 'Too many consecutive invalid messages');
    await server.expectLog({ msg: 'ws.too_many_errors', maxConsecutiveErrors: 3 });
  });

  it('an KindlingError thrown by the handler becomes an envelope; an unexpected error becomes INTERNAL and is logged', async () => {
    const router = new Router().websocket(
      '/cmd',
      messageHandler((ws, msg) => {
        if (text(msg) === 'admin') throw new KindlingError('FORBIDDEN', { message: 'Admins only' });
        if (text(msg) === 'bug') throw new Error('secret detail');
        return 'done';
      }),
    );
    await using server = await TestServer.start(router, { logs: true });
    await using ws = await server.ws('/cmd');
    ws.sendText('admin');
    ws.sendText('bug');
    ws.sendText('x');
    await ws.expectJson({ error: { code: 'FORBIDDEN', message: 'Admins only' } }, { exact: true });
    await ws.expectJson({ error: { code: 'INTERNAL', message: 'Internal server error' } }, { exact: true });
    await ws.expectText('done');
    await server.expectLog({ msg: 'ws.handler_error', err: { message: 'secret detail' } });
  });

  it('a handler slower than the message rate: messages wait in order, and past maxQueuedMessages the connection closes 1008', async () => {
    const release = deferred();
    const handled: string[] = [];
    const router = new Router()
      .websocket(
        '/slow',
        messageHandler(async (ws, msg) => {
          await release.promise;
          handled.push(text(msg));
        }),
        { maxQueuedMessages: 20 },
      )
      .websocket(
        '/slow-but-fine',
        messageHandler(async (ws, msg) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return `done ${text(msg)}`;
        }),
        { maxQueuedMessages: 20 },
      );
    await using server = await TestServer.start(router, { logs: true });

    await using fine = await server.ws('/slow-but-fine');
    for (let i = 0; i < 15; i++) fine.sendText(String(i));
    for (let i = 0; i < 15; i++) await fine.expectText(`done ${i}`);

    await using flood = await server.ws('/slow');
    for (let i = 0; i < 40; i++) flood.sendText(String(i));
    await flood.expectClosed(1008, 'Inbound message queue overflow');
    await server.expectLog({ msg: 'ws.queue_overflow', maxQueuedMessages: 20 });
    release.resolve();
    const close = await server.expectLog({ msg: 'ws.close', code: 1008 });
    assert.ok(Number(close['messagesDropped']) >= 1, 'the message past the limit is counted as dropped');
    // One running + 20 queued were received before the overflow: all handled, in order.
    await waitFor(() => handled.length === 21, 'the queued messages were handled');
    assert.deepEqual(
      handled,
      Array.from({ length: 21 }, (_, i) => String(i)),
    );
  });
});

describe('batchHandler through the router', () => {
  it('gets the extracted values and batches of at most `size`, in order', async () => {
    const batches: { source: string; values: number[] }[] = [];
    const router = new Router().websocket(
      '/ingest',
      [Query(Ingest)],
      batchHandler(
        (query, ws, msgs) => {
          batches.push({ source: query.source, values: msgs.map((m) => m.json<Reading>().value) });
          return { stored: msgs.length };
        },
        { size: 4, timeoutMs: 20 },
      ),
    );
    await using server = await TestServer.start(router);
    await using ws = await server.ws('/ingest', { query: { source: 'meter-1' } });
    for (let value = 0; value < 10; value++) ws.sendJson({ value });
    await ws.expectJson({ stored: 4 });
    await ws.expectJson({ stored: 4 });
    await ws.expectJson({ stored: 2 }); // the partial batch, after its timeout
    assert.deepEqual(batches, [
      { source: 'meter-1', values: [0, 1, 2, 3] },
      { source: 'meter-1', values: [4, 5, 6, 7] },
      { source: 'meter-1', values: [8, 9] },
    ]);
  });

  it('a batch handler that throws: the batch is not retried, the connection closes 1011, later messages still arrive', async () => {
    const batches: string[][] = [];
    const gate = deferred();
    const router = new Router().websocket(
      '/ingest',
      batchHandler(
        async (ws, msgs) => {
          batches.push(msgs.map(text));
          if (batches.length === 1) {
            await gate.promise;
            throw new Error('sink unavailable');
          }
        },
        { size: 2, timeoutMs: 60_000 },
      ),
    );
    await using server = await TestServer.start(router, { logs: true });
    await using ws = await server.ws('/ingest');
    for (const t of ['a', 'b', 'c']) ws.sendText(t);
    await waitFor(() => batches.length === 1, 'the first batch started');
    gate.resolve();
    await ws.expectClosed(1011, 'Internal server error');
    await server.expectLog({ msg: 'ws.batch_error', batchSize: 2, err: { message: 'sink unavailable' } });
    await waitFor(() => batches.length === 2, 'the rest was handed over');
    assert.deepEqual(batches, [['a', 'b'], ['c']]);
  });

  it('over maxBuffered: closes 1008 "Batch buffer overflow"; what was buffered still reaches the handler', async () => {
    const gate = deferred();
    const handled: string[] = [];
    const router = new Router().websocket(
      '/ingest',
      batchHandler(
        async (ws, msgs) => {
          await gate.promise;
          handled.push(...msgs.map(text));
        },
        { size: 2, timeoutMs: 60_000, maxBuffered: 4 },
      ),
    );
    await using server = await TestServer.start(router, { logs: true });
    await using ws = await server.ws('/ingest');
    for (let i = 0; i < 10; i++) ws.sendText(String(i));
    await ws.expectClosed(1008, 'Batch buffer overflow');
    await server.expectLog({ msg: 'ws.batch_overflow', maxBuffered: 4 });
    gate.resolve();
    await server.expectLog({ msg: 'ws.close', code: 1008 });
    await waitFor(() => handled.length === 6, 'the buffered messages were handled');
    assert.deepEqual(handled, ['0', '1', '2', '3', '4', '5']);
  });
});
