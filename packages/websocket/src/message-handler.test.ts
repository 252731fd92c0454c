import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsInt, IsString } from 'class-validator';
import { ConnectionStub, deferred, flushMicrotasks } from './connection-stub.case.js';
import type { WebSocketConnection } from './connection/connection.js';
import { KindlingError } from './errors/kindling-error.js';
import { binaryMessage, textMessage, type Message } from './message.js';
import { messageHandler } from './message-handler.js';

class Move {
  @IsString() piece!: string;
  @IsInt() to!: number;
}

function text(msg: Message): string {
  return msg.type === 'text' ? msg.text : 'binary';
}

describe('messageHandler', () => {
  it('calls a sync handler once per message, in order, with the extracted values first', async () => {
    const stub = new ConnectionStub();
    const seen: unknown[] = [];
    const done = messageHandler((a: string, b: number, ws: WebSocketConnection, msg: Message) => void seen.push([a, b, ws === stub.conn, text(msg)]))(
      'x',
      7,
      stub.conn,
    );
    for (const t of ['1', '2', '3']) assert.equal(stub.push(textMessage(t)), true);
    assert.deepEqual(
      seen,
      [
        ['x', 7, true, '1'],
        ['x', 7, true, '2'],
        ['x', 7, true, '3'],
      ],
      'handled synchronously, as they arrive',
    );
    stub.settle(1000, '');
    await done;
  });

  it('runs one message at a time: later ones wait, in order, while an async handler runs', async () => {
    const stub = new ConnectionStub();
    const gates = [deferred(), deferred(), deferred()];
    const log: string[] = [];
    let running = 0;
    const done = messageHandler(async (ws, msg) => {
      running++;
      assert.equal(running, 1, 'never two at once');
      const i = Number(text(msg));
      log.push(`start ${i}`);
      await gates[i]?.promise;
      log.push(`end ${i}`);
      running--;
    })(stub.conn);
    for (const t of ['0', '1', '2']) stub.push(textMessage(t));
    await flushMicrotasks();
    assert.deepEqual(log, ['start 0']);
    gates[1]?.resolve();
    gates[0]?.resolve();
    await flushMicrotasks();
    gates[2]?.resolve();
    stub.settle(1000, '');
    await done;
    assert.deepEqual(log, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('with concurrency n, starts up to n in arrival order', async () => {
    const stub = new ConnectionStub();
    const gate = deferred();
    const started: string[] = [];
    const done = messageHandler(
      async (ws, msg) => {
        started.push(text(msg));
        await gate.promise;
      },
      { concurrency: 2 },
    )(stub.conn);
    for (const t of ['a', 'b', 'c', 'd']) stub.push(textMessage(t));
    assert.deepEqual(started, ['a', 'b']);
    gate.resolve();
    await flushMicrotasks();
    assert.deepEqual(started, ['a', 'b', 'c', 'd']);
    stub.settle(1000, '');
    await done;
  });

  it('sends what the handler returns: text, bytes, JSON; nothing for undefined and null', async () => {
    const stub = new ConnectionStub();
    const replies: unknown[] = ['text', new Uint8Array([1, 2]), { ok: 1 }, [1, 2], 5, undefined, null];
    let i = 0;
    const done = messageHandler(() => replies[i++])(stub.conn);
    for (let n = 0; n < replies.length; n++) stub.push(textMessage('m'));
    assert.deepEqual(stub.record.sent, ['text', new Uint8Array([1, 2]), { ok: 1 }, [1, 2], 5]);
    stub.settle(1000, '');
    await done;
  });

  it('resolves only after the connection closed and every queued message was handled', async () => {
    const stub = new ConnectionStub();
    const gate = deferred();
    const handled: string[] = [];
    let resolved = false;
    const done = messageHandler(async (ws, msg) => {
      await gate.promise;
      handled.push(`${text(msg)} open=${String(ws.isOpen)}`);
    })(stub.conn).then(() => (resolved = true));
    stub.push(textMessage('a'));
    stub.push(textMessage('b'));
    stub.settle(1001, '');
    await flushMicrotasks();
    assert.equal(resolved, false, 'still handling');
    gate.resolve();
    await done;
    assert.deepEqual(handled, ['a open=false', 'b open=false'], 'messages received before the close are still handled');
  });

  it('closes 1008 QUEUE_OVERFLOW when more than maxQueuedMessages wait, counting the extra one', async () => {
    const stub = new ConnectionStub({ maxQueuedMessages: 2 });
    const gate = deferred();
    const done = messageHandler(() => gate.promise)(stub.conn);
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => stub.push(textMessage(String(n)))),
      [true, true, true, false],
    );
    assert.deepEqual(stub.record.closes, [{ code: 1008, reason: 'Inbound message queue overflow' }]);
    assert.equal(stub.events('ws.queue_overflow').length, 1);
    gate.resolve();
    stub.settle(1008, '');
    await done;
  });

  describe('json', () => {
    it('parses and validates into the DTO; an invalid message gets an error envelope with its id', async () => {
      const stub = new ConnectionStub();
      const moves: Move[] = [];
      const done = messageHandler((ws, move) => void moves.push(move), { json: Move })(stub.conn);
      stub.push(textMessage('{"id":1,"piece":"K","to":4}'));
      stub.push(textMessage('{"id":"b","piece":"Q","to":"far"}'));
      stub.push(textMessage('not json'));
      stub.push(binaryMessage(new TextEncoder().encode('{"piece":"R","to":8}')));
      await flushMicrotasks();
      assert.deepEqual(
        moves.map((m) => [m instanceof Move, m.piece, m.to]),
        [
          [true, 'K', 4],
          [true, 'R', 8],
        ],
      );
      const [invalid, notJson] = stub.record.sent as { error: { code: string; id?: unknown; details?: unknown } }[];
      assert.equal(invalid?.error.code, 'VALIDATION_FAILED');
      assert.equal(invalid?.error.id, 'b');
      assert.ok(Array.isArray(invalid?.error.details));
      assert.deepEqual(notJson, { error: { code: 'INVALID_JSON', message: 'Invalid JSON' } });
      stub.settle(1000, '');
      await done;
    });

    it('closes 1008 after maxConsecutiveErrors invalid messages in a row; a good one resets the count', async () => {
      const stub = new ConnectionStub();
      const done = messageHandler(() => undefined, { json: true, maxConsecutiveErrors: 3 })(stub.conn);
      for (const t of ['x', 'x', '{}', 'x', 'x']) stub.push(textMessage(t));
      assert.deepEqual(stub.record.closes, [], 'the valid message reset the count');
      stub.push(textMessage('x'));
      assert.deepEqual(stub.record.closes, [{ code: 1008, reason: 'Too many consecutive invalid messages' }]);
      assert.equal(stub.events('ws.too_many_errors').length, 1);
      stub.settle(1008, '');
      await done;
    });
  });

  describe('a handler that throws', () => {
    it('answers a KindlingError with its envelope and an unexpected error with INTERNAL; the connection stays open', async () => {
      const stub = new ConnectionStub();
      const done = messageHandler(
        async (ws, value) => {
          if (messageKind(value) === 'forbidden') throw new KindlingError('FORBIDDEN', { message: 'Not yours', details: { seat: 2 } });
          throw new Error('database password is hunter2');
        },
        { json: true },
      )(stub.conn);
      stub.push(textMessage('{"id":9,"kind":"forbidden"}'));
      stub.push(textMessage('{"id":10,"kind":"bug"}'));
      await flushMicrotasks();
      assert.deepEqual(stub.record.sent, [
        { error: { code: 'FORBIDDEN', message: 'Not yours', details: { seat: 2 }, id: 9 } },
        { error: { code: 'INTERNAL', message: 'Internal server error', id: 10 } },
      ]);
      assert.equal(stub.events('ws.handler_error').length, 1, 'the unexpected error is logged');
      assert.deepEqual(stub.record.closes, []);
      stub.settle(1000, '');
      await done;
    });

    it('unexpected errors do not count toward maxConsecutiveErrors', async () => {
      const stub = new ConnectionStub();
      const done = messageHandler(
        () => {
          throw new Error('bug');
        },
        { maxConsecutiveErrors: 1 },
      )(stub.conn);
      for (let i = 0; i < 5; i++) stub.push(textMessage('m'));
      assert.equal(stub.record.sent.length, 5);
      assert.deepEqual(stub.record.closes, []);
      stub.settle(1000, '');
      await done;
    });
  });

  it('rejects bad options when it is created', () => {
    assert.throws(() => messageHandler(() => undefined, { concurrency: 0 }), /concurrency/);
    assert.throws(() => messageHandler(() => undefined, { maxConsecutiveErrors: -1 }), /maxConsecutiveErrors/);
    assert.throws(() => messageHandler(() => undefined, { json: 'yes' } as never), /json/);
    assert.throws(() => messageHandler('fn' as never), TypeError);
  });

  it('throws when the last argument is not a connection', () => {
    assert.throws(() => messageHandler(() => undefined)({} as WebSocketConnection), /last argument/);
  });
});

function messageKind(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
}
