import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONNECTION_OPTIONS, resolveConnectionOptions, type ConnectionOptions } from './connection-options.js';

describe('resolveConnectionOptions', () => {
  it('fills in the documented defaults', () => {
    assert.deepEqual(resolveConnectionOptions(), {
      maxPayloadLength: 65536,
      maxQueuedMessages: 1024,
      closeTimeoutMs: 5000,
      maxBackpressure: 1048576,
      closeOnBackpressureLimit: false,
      idleTimeoutMs: 0,
      heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
      rateLimit: false,
    });
    assert.deepEqual(resolveConnectionOptions({}), DEFAULT_CONNECTION_OPTIONS);
  });

  it('keeps given values, ignores undefined ones and does not touch the defaults', () => {
    const resolved = resolveConnectionOptions({ maxQueuedMessages: 8, idleTimeoutMs: 30_000, closeOnBackpressureLimit: true, closeTimeoutMs: undefined });
    assert.equal(resolved.maxQueuedMessages, 8);
    assert.equal(resolved.idleTimeoutMs, 30_000);
    assert.equal(resolved.closeOnBackpressureLimit, true);
    assert.equal(resolved.closeTimeoutMs, 5000);
    assert.equal(DEFAULT_CONNECTION_OPTIONS.maxQueuedMessages, 1024);
    assert.equal(resolveConnectionOptions({ maxBackpressure: 0, closeTimeoutMs: 0 }).maxBackpressure, 0);
  });

  const bad: [string, Partial<Record<keyof ConnectionOptions, unknown>>][] = [
    ['negative', { idleTimeoutMs: -1 }],
    ['NaN', { maxPayloadLength: Number.NaN }],
    ['fractional', { maxQueuedMessages: 1.5 }],
    ['zero where at least 1 is needed', { maxQueuedMessages: 0 }],
    ['Infinity', { maxBackpressure: Infinity }],
    ['a string', { closeTimeoutMs: '5000' }],
    ['over the timer limit', { closeTimeoutMs: 2 ** 31 }],
    ['a non-boolean flag', { closeOnBackpressureLimit: 1 }],
    ['a heartbeat that is not an object', { heartbeat: true }],
    ['a heartbeat interval under 10 ms', { heartbeat: { intervalMs: 5, timeoutMs: 100 } }],
    ['a heartbeat without a timeout', { heartbeat: { intervalMs: 100 } }],
    ['a heartbeat with an unknown field', { heartbeat: { intervalMs: 100, timeoutMs: 100, pingMs: 1 } }],
    ['a rate limit without messages', { rateLimit: { perMs: 1000 } }],
    ['a rate limit with a zero period', { rateLimit: { messages: 10, perMs: 0 } }],
    ['a rate limit with an unknown policy', { rateLimit: { messages: 10, perMs: 1000, policy: 'kick' } }],
    ['a rate limit with a negative grace', { rateLimit: { messages: 10, perMs: 1000, grace: -1 } }],
    ['a rate limit with a fractional burst', { rateLimit: { messages: 10, perMs: 1000, burst: 1.5 } }],
  ];
  for (const [label, options] of bad) {
    it(`throws a TypeError naming the option for ${label}`, () => {
      const name = Object.keys(options)[0] as string;
      assert.throws(
        () => resolveConnectionOptions(options as Partial<ConnectionOptions>),
        (err: unknown) => err instanceof TypeError && err.message.includes(name),
      );
    });
  }

  it('resolves heartbeat and rate limit objects and turns them off with false', () => {
    const on = resolveConnectionOptions({ heartbeat: { intervalMs: 50, timeoutMs: 20 }, rateLimit: { messages: 5, perMs: 100 } });
    assert.deepEqual(on.heartbeat, { intervalMs: 50, timeoutMs: 20 });
    assert.deepEqual(on.rateLimit, { messages: 5, perMs: 100, burst: 5, policy: 'close', grace: 5 });
    const off = resolveConnectionOptions({ heartbeat: false, rateLimit: false });
    assert.equal(off.heartbeat, false);
    assert.equal(off.rateLimit, false);
  });

  it('throws a TypeError for an unknown option (a typo)', () => {
    assert.throws(() => resolveConnectionOptions({ maxPayload: 10 } as Partial<ConnectionOptions>), /Unknown connection option "maxPayload"/);
  });
});
