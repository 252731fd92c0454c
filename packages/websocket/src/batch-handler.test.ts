import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchHandler } from './batch-handler.js';
import { ConnectionStub, deferred, flushMicrotasks } from './connection-stub.case.js';
import type { WebSocketConnection } from './connection/connection.js';
import { KindlingError } from './errors/kindling-error.js';
import { textMessage, type Message } from './message.js';

function texts(msgs: readonly Message[]): string[] {
  return msgs.map((m) => (m.type === 'text' ? m.text : 'binary'));
}

function pushAll(stub: ConnectionStub, from: number, to: number): void {
  for (let i = from; i < to; i++) stub.push(textMessage(String(i)));
}

describe('batchHandler', () => {
  it('hands over a batch as soon as `size` messages are buffered, in order, with the extracted values first', async () => {
    const stub = new ConnectionStub();
    const batches: string[][] = [];
    const done = batchHandler(
      (tenant: string, ws: WebSocketConnection, msgs: Message[]) => {
        assert.equal(tenant, 't1');
        batches.push(texts(msgs));
      },
      { size: 3, timeoutMs: 60_000 },
    )('t1', stub.conn);
    pushAll(stub, 0, 7);
    assert.deepEqual(
      batches,
      [
        ['0', '1', '2'],
        ['3', '4', '5'],
      ],
      'full batches go out at once; the 7th waits',
    );
    stub.settle(1000, '');
    await done;
    assert.deepEqual(batches, [['0', '1', '2'], ['3', '4', '5'], ['6']], 'the rest goes out when the peer closes');
  });

  it('hands over a partial batch after timeoutMs', async () => {
    const stub = new ConnectionStub();
    const flushed = deferred<string[]>();
    const done = batchHandler((ws, msgs) => flushed.resolve(texts(msgs)), { size: 100, timeoutMs: 5 })(stub.conn);
    pushAll(stub, 0, 2);
    assert.deepEqual(await flushed.promise, ['0', '1']);
    stub.settle(1000, '');
    await done;
  });

  it('hands over the partial batches of several connections started in the same turn, and a later one', async () => {
    const stubs = [new ConnectionStub(), new ConnectionStub(), new ConnectionStub()];
    const flushed = stubs.map(() => deferred<string[]>());
    const handler = batchHandler(
      (ws, msgs) => {
        flushed[stubs.findIndex((s) => s.conn === ws)]?.resolve(texts(msgs));
      },
      { size: 100, timeoutMs: 5 },
    );
    const done = stubs.map((stub) => handler(stub.conn));
    pushAll(stubs[0] as ConnectionStub, 0, 2);
    pushAll(stubs[1] as ConnectionStub, 10, 13);
    assert.deepEqual(await flushed[0]?.promise, ['0', '1']);
    assert.deepEqual(await flushed[1]?.promise, ['10', '11', '12']);
    // A batch starting after the others were handed over gets its own deadline.
    pushAll(stubs[2] as ConnectionStub, 20, 21);
    assert.deepEqual(await flushed[2]?.promise, ['20']);
    for (const stub of stubs) stub.settle(1000, '');
    await Promise.all(done);
  });

  it('runs one batch at a time; messages arriving meanwhile form the next batches, in order', async () => {
    const stub = new ConnectionStub();
    const batches: string[][] = [];
    const gates: { resolve: (value: void) => void }[] = [];
    let running = 0;
    const done = batchHandler(
      async (ws, msgs) => {
        running++;
        assert.equal(running, 1, 'never two batches of one connection at once');
        batches.push(texts(msgs));
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        running--;
      },
      { size: 2, timeoutMs: 60_000 },
    )(stub.conn);
    pushAll(stub, 0, 7);
    assert.deepEqual(batches, [['0', '1']]);
    gates[0]?.resolve();
    await flushMicrotasks();
    assert.deepEqual(batches, [
      ['0', '1'],
      ['2', '3'],
    ]);
    gates[1]?.resolve();
    await flushMicrotasks();
    gates[2]?.resolve();
    await flushMicrotasks();
    assert.deepEqual(
      batches,
      [
        ['0', '1'],
        ['2', '3'],
        ['4', '5'],
      ],
      'the partial 7th message waits for its timeout or the close',
    );
    stub.settle(1000, '');
    await flushMicrotasks();
    gates[3]?.resolve();
    await done;
    assert.deepEqual(batches.flat(), ['0', '1', '2', '3', '4', '5', '6']);
  });

  it('hands the rest over after the close in batches of at most `size`, with the connection reporting closed', async () => {
    const stub = new ConnectionStub();
    const gate = deferred();
    const seen: { batch: string[]; open: boolean; code: number | undefined }[] = [];
    const done = batchHandler(
      async (ws, msgs) => {
        seen.push({ batch: texts(msgs), open: ws.isOpen, code: ws.closeInfo?.code });
        await gate.promise;
      },
      { size: 2, timeoutMs: 60_000 },
    )(stub.conn);
    pushAll(stub, 0, 7);
    stub.settle(1001, 'bye');
    gate.resolve();
    await done;
    assert.deepEqual(seen, [
      { batch: ['0', '1'], open: true, code: undefined },
      { batch: ['2', '3'], open: false, code: 1001 },
      { batch: ['4', '5'], open: false, code: 1001 },
      { batch: ['6'], open: false, code: 1001 },
    ]);
  });

  it('flush() (shutdown) hands over the partial batch now and resolves once the handler finished it', async () => {
    const stub = new ConnectionStub();
    const gate = deferred();
    const batches: string[][] = [];
    const done = batchHandler(
      async (ws, msgs) => {
        batches.push(texts(msgs));
        await gate.promise;
      },
      { size: 10, timeoutMs: 60_000 },
    )(stub.conn);
    pushAll(stub, 0, 3);
    let flushed = false;
    const flushing = stub.consumer?.flush().then(() => (flushed = true));
    assert.deepEqual(batches, [['0', '1', '2']]);
    await flushMicrotasks();
    assert.equal(flushed, false, 'waits for the handler');
    gate.resolve();
    await flushing;
    assert.equal(flushed, true);
    assert.equal(await stub.consumer?.flush().then(() => 'empty'), 'empty', 'nothing buffered: resolves at once');
    stub.settle(1001, '');
    await done;
  });

  it('returns what the handler returns to the peer', async () => {
    const stub = new ConnectionStub();
    const done = batchHandler((ws, msgs) => ({ received: msgs.length }), { size: 2, timeoutMs: 60_000 })(stub.conn);
    pushAll(stub, 0, 4);
    assert.deepEqual(stub.record.sent, [{ received: 2 }, { received: 2 }]);
    stub.settle(1000, '');
    await done;
  });

  it('over maxBuffered: closes 1008 BATCH_OVERFLOW and counts the extra message; what was buffered is still handed over', async () => {
    const stub = new ConnectionStub();
    const gate = deferred();
    const batches: string[][] = [];
    const done = batchHandler(
      async (ws, msgs) => {
        batches.push(texts(msgs));
        await gate.promise;
      },
      { size: 2, timeoutMs: 60_000, maxBuffered: 3 },
    )(stub.conn);
    const accepted = [0, 1, 2, 3, 4, 5].map((i) => stub.push(textMessage(String(i))));
    assert.deepEqual(accepted, [true, true, true, true, true, false], 'two in the running batch, three waiting, the sixth refused');
    assert.deepEqual(stub.record.closes, [{ code: 1008, reason: 'Batch buffer overflow' }]);
    assert.deepEqual(
      stub.events('ws.batch_overflow').map((l) => l['maxBuffered']),
      [3],
    );
    stub.settle(1008, 'Batch buffer overflow');
    gate.resolve();
    await done;
    assert.deepEqual(batches, [['0', '1'], ['2', '3'], ['4']]);
  });

  describe('a handler that throws', () => {
    it('does not retry the batch, closes 1011, logs ws.batch_error, and still hands over the rest', async () => {
      const stub = new ConnectionStub();
      const batches: string[][] = [];
      const done = batchHandler(
        (ws, msgs) => {
          batches.push(texts(msgs));
          if (batches.length === 1) throw new Error('sink down');
        },
        { size: 2, timeoutMs: 60_000 },
      )(stub.conn);
      pushAll(stub, 0, 3);
      assert.deepEqual(stub.record.closes, [{ code: 1011, reason: 'Internal server error' }]);
      assert.deepEqual(
        stub.events('ws.batch_error').map((l) => [l.level, l['batchSize']]),
        [['error', 2]],
      );
      stub.settle(1011, 'Internal server error');
      await done;
      assert.deepEqual(batches, [['0', '1'], ['2']]);
    });

    it('closes with the close code of a KindlingError (async handler)', async () => {
      const stub = new ConnectionStub();
      const done = batchHandler(
        async () => {
          throw new KindlingError('FORBIDDEN');
        },
        { size: 1, timeoutMs: 60_000 },
      )(stub.conn);
      stub.push(textMessage('x'));
      await flushMicrotasks();
      assert.deepEqual(stub.record.closes, [{ code: 4403, reason: 'Forbidden' }]);
      stub.settle(4403, 'Forbidden');
      await done;
    });
  });

  it('rejects bad options when it is created', () => {
    assert.throws(() => batchHandler(() => undefined, { size: 0, timeoutMs: 10 }), /size/);
    assert.throws(() => batchHandler(() => undefined, { size: 2, timeoutMs: -1 }), /timeoutMs/);
    assert.throws(() => batchHandler(() => undefined, { size: 5, timeoutMs: 1, maxBuffered: 4 }), /maxBuffered/);
    assert.throws(() => batchHandler(() => undefined, undefined as never), /size, timeoutMs/);
  });
});
