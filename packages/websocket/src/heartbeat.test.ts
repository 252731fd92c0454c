import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionStub } from './connection-stub.case.js';
import { DEFAULT_HEARTBEAT, resolveHeartbeat } from './heartbeat-options.js';
import { Heartbeats } from './heartbeat.js';
import type { Sweeper, SweepTask } from './sweeper.js';

/** A sweeper the test ticks by hand, at chosen times. */
class ManualSweeper {
  readonly tasks = new Set<SweepTask>();
  has(task: SweepTask): boolean {
    return this.tasks.has(task);
  }
  add(task: SweepTask): void {
    this.tasks.add(task);
  }
  delete(task: SweepTask): void {
    this.tasks.delete(task);
  }
  tick(now: number): void {
    for (const task of this.tasks) if (!task.sweep(now)) this.tasks.delete(task);
  }
}

function setup(intervalMs = 1000, timeoutMs = 400) {
  const sweeper = new ManualSweeper();
  const heartbeats = new Heartbeats(sweeper as unknown as Sweeper);
  const options = { intervalMs, timeoutMs };
  return { sweeper, heartbeats, options };
}

describe('resolveHeartbeat', () => {
  it('accepts { intervalMs, timeoutMs } and false', () => {
    assert.deepEqual(resolveHeartbeat({ intervalMs: 10, timeoutMs: 20 }), { intervalMs: 10, timeoutMs: 20 });
    assert.equal(resolveHeartbeat(false), false);
    assert.deepEqual(DEFAULT_HEARTBEAT, { intervalMs: 30_000, timeoutMs: 10_000 });
  });

  for (const bad of [true, null, {}, { intervalMs: 9, timeoutMs: 100 }, { intervalMs: 100, timeoutMs: 1.5 }, { intervalMs: 100, timeoutMs: 100, x: 1 }]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => resolveHeartbeat(bad), TypeError);
    });
  }
});

describe('Heartbeats', () => {
  it('pings a silent connection after the interval and closes it 1001 after the timeout', () => {
    const { sweeper, heartbeats, options } = setup();
    const stub = new ConnectionStub();
    heartbeats.add(stub.conn, options, 0);
    assert.equal(sweeper.tasks.size, 1, 'one task for the wheel, none per connection');
    sweeper.tick(999);
    assert.equal(stub.record.pings, 0, 'not before the interval');
    sweeper.tick(1000);
    assert.equal(stub.record.pings, 1);
    sweeper.tick(1399);
    assert.deepEqual(stub.record.closes, [], 'not before the timeout');
    sweeper.tick(1400);
    assert.deepEqual(stub.record.closes, [{ code: 1001, reason: 'heartbeat timeout' }]);
    assert.deepEqual(
      stub.events('ws.heartbeat_timeout').map((l) => [l.level, l['intervalMs'], l['timeoutMs']]),
      [['info', 1000, 400]],
    );
    assert.deepEqual(heartbeats.counters, { heartbeatPings: 1, heartbeatTimeouts: 1 });
    assert.equal(heartbeats.size, 0);
    assert.equal(sweeper.tasks.size, 0, 'the wheel leaves the sweeper when empty');
  });

  it('keeps a connection that answers: pings again an interval after the last ping', () => {
    const { sweeper, heartbeats, options } = setup();
    const stub = new ConnectionStub();
    heartbeats.add(stub.conn, options, 0);
    for (let round = 1; round <= 5; round++) {
      sweeper.tick(round * 1000);
      assert.equal(stub.record.pings, round);
      stub.activity++; // the pong
      sweeper.tick(round * 1000 + 400);
    }
    assert.deepEqual(stub.record.closes, []);
    assert.equal(heartbeats.counters.heartbeatTimeouts, 0);
  });

  it('with a timeout longer than the interval, pings again one tick after an answer and never loses the entry', () => {
    const { sweeper, heartbeats, options } = setup(100, 300);
    const stub = new ConnectionStub();
    heartbeats.add(stub.conn, options, 0);
    sweeper.tick(100);
    stub.activity++;
    sweeper.tick(400);
    assert.equal(stub.record.pings, 1);
    sweeper.tick(425);
    assert.equal(stub.record.pings, 2, 'silent since the pong: pinged again');
    sweeper.tick(724);
    assert.deepEqual(stub.record.closes, []);
    sweeper.tick(725);
    assert.deepEqual(stub.record.closes, [{ code: 1001, reason: 'heartbeat timeout' }]);
  });

  it('does not ping a connection that keeps sending', () => {
    const { sweeper, heartbeats, options } = setup();
    const stub = new ConnectionStub();
    heartbeats.add(stub.conn, options, 0);
    for (let t = 100; t <= 10_000; t += 100) {
      stub.activity++;
      sweeper.tick(t);
    }
    assert.equal(stub.record.pings, 0);
    assert.deepEqual(stub.record.closes, []);
  });

  it('any message after the ping counts as an answer', () => {
    const { sweeper, heartbeats, options } = setup(100, 100);
    const stub = new ConnectionStub();
    heartbeats.add(stub.conn, options, 0);
    sweeper.tick(100);
    assert.equal(stub.record.pings, 1);
    stub.activity += 3;
    sweeper.tick(200);
    sweeper.tick(250);
    assert.deepEqual(stub.record.closes, []);
  });

  it('forgets a connection that closed, and stops sweeping when none is left', () => {
    const { sweeper, heartbeats, options } = setup();
    const a = new ConnectionStub();
    const b = new ConnectionStub();
    heartbeats.add(a.conn, options, 0);
    heartbeats.add(b.conn, options, 0);
    heartbeats.add(b.conn, options, 0);
    assert.equal(heartbeats.size, 2, 'adding twice is a no-op');
    heartbeats.remove(a.conn);
    assert.equal(heartbeats.size, 1);
    assert.equal(sweeper.tasks.size, 1);
    b.open = false;
    sweeper.tick(1000);
    assert.equal(b.record.pings, 0, 'a closing connection is not pinged');
    assert.equal(heartbeats.size, 0);
    assert.equal(sweeper.tasks.size, 0);
    heartbeats.add(a.conn, options, 2000);
    assert.equal(sweeper.tasks.size, 1, 'a new connection brings the wheel back');
  });

  it('drops a connection whose ping reports it closed', () => {
    const { sweeper, heartbeats, options } = setup();
    const stub = new ConnectionStub();
    stub.pingResult = 'closed';
    heartbeats.add(stub.conn, options, 0);
    sweeper.tick(1000);
    assert.equal(heartbeats.size, 0);
    assert.deepEqual(stub.record.closes, []);
  });

  it('only visits due connections: one wheel per setting, checked at its own times', () => {
    const { sweeper, heartbeats } = setup();
    const slow = new ConnectionStub();
    const fast = new ConnectionStub();
    heartbeats.add(slow.conn, { intervalMs: 10_000, timeoutMs: 1000 }, 0);
    heartbeats.add(fast.conn, { intervalMs: 100, timeoutMs: 100 }, 0);
    assert.equal(sweeper.tasks.size, 2);
    sweeper.tick(100);
    assert.deepEqual([slow.record.pings, fast.record.pings], [0, 1]);
    sweeper.tick(200);
    assert.deepEqual(fast.record.closes, [{ code: 1001, reason: 'heartbeat timeout' }]);
    assert.deepEqual(slow.record.closes, []);
  });

  it('catches up after a long stall without visiting every empty slot', () => {
    const { sweeper, heartbeats } = setup();
    const stub = new ConnectionStub();
    heartbeats.add(stub.conn, { intervalMs: 10, timeoutMs: 10 }, 0);
    sweeper.tick(1e9);
    assert.equal(stub.record.pings, 1);
    sweeper.tick(1e9 + 10);
    assert.equal(stub.record.closes.length, 1);
  });
});
