import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionStub } from './connection-stub.case.js';
import { resolveRateLimit, type RateLimitOptions } from './rate-limit-options.js';
import { MessageRateLimiter, TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('starts full, takes one token per event and refills at its rate up to its capacity', () => {
    const bucket = new TokenBucket(3, 1 / 100, 0); // 3 at once, one per 100 ms
    assert.deepEqual([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)], [true, true, true, false]);
    assert.equal(bucket.msUntilNext(0), 100);
    assert.equal(bucket.msUntilNext(60), 40);
    assert.equal(bucket.tryTake(99), false);
    assert.equal(bucket.tryTake(100), true);
    assert.equal(bucket.isFull(100), false);
    assert.equal(bucket.available(10_000), 3, 'never above capacity');
    assert.equal(bucket.isFull(10_000), true);
  });

  it('treats a clock that steps back as no time passing', () => {
    const bucket = new TokenBucket(1, 1 / 1000, 5000);
    assert.equal(bucket.tryTake(5000), true);
    assert.equal(bucket.tryTake(1000), false);
    assert.equal(bucket.tryTake(5999), false);
    assert.equal(bucket.tryTake(6000), true);
  });

  it('rejects a capacity or rate that is not positive', () => {
    assert.throws(() => new TokenBucket(0, 1), TypeError);
    assert.throws(() => new TokenBucket(1, Number.NaN), TypeError);
  });
});

describe('resolveRateLimit', () => {
  it('fills in burst, policy and grace', () => {
    assert.deepEqual(resolveRateLimit({ messages: 20, perMs: 1000 }), { messages: 20, perMs: 1000, burst: 20, policy: 'close', grace: 5 });
    assert.deepEqual(resolveRateLimit({ messages: 1, perMs: 10, burst: 4, policy: 'drop', grace: 0 }), {
      messages: 1,
      perMs: 10,
      burst: 4,
      policy: 'drop',
      grace: 0,
    });
    assert.equal(resolveRateLimit(false), false);
    assert.equal(resolveRateLimit(undefined), false);
  });

  for (const bad of [true, 5, { messages: 0, perMs: 10 }, { messages: 1 }, { messages: 1, perMs: 10, policy: 'ban' }, { messages: 1, perMs: 10, every: 1 }]) {
    it(`rejects ${JSON.stringify(bad)} with a TypeError`, () => {
      assert.throws(() => resolveRateLimit(bad), TypeError);
    });
  }
});

function limiter(options: RateLimitOptions): { stub: ConnectionStub; admit: (now: number) => boolean } {
  const stub = new ConnectionStub();
  const resolved = resolveRateLimit(options);
  assert.ok(resolved);
  const rate = new MessageRateLimiter(resolved, 0);
  return {
    stub,
    admit: (now) => {
      if (rate.admit(stub.conn, now)) return true;
      rate.refused(stub.conn, now);
      return false;
    },
  };
}

describe('MessageRateLimiter', () => {
  it("'drop': drops what is over the limit, logs one line per run, and recovers", () => {
    const { stub, admit } = limiter({ messages: 2, perMs: 100, policy: 'drop' });
    const results = [admit(0), admit(0), admit(0), admit(0), admit(0)];
    assert.deepEqual(results, [true, true, false, false, false]);
    assert.deepEqual(
      stub.events('ws.rate_limited').map((l) => [l.level, l['policy'], l['action']]),
      [['warn', 'drop', 'drop']],
    );
    assert.equal(admit(50), true, 'a token came back after perMs / messages');
    assert.deepEqual(
      stub.events('ws.rate_limit_recovered').map((l) => l['dropped']),
      [3],
    );
    assert.deepEqual(stub.record.closes, []);
    assert.deepEqual(stub.record.sent, []);
  });

  it("'notify': answers the first dropped message of a run with a RATE_LIMITED envelope", () => {
    const { stub, admit } = limiter({ messages: 1, perMs: 1000, policy: 'notify' });
    assert.deepEqual([admit(0), admit(0), admit(10), admit(20)], [true, false, false, false]);
    assert.deepEqual(stub.record.sent, [{ error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded', details: { retryAfterMs: 1000 } } }]);
    assert.equal(admit(1000), true);
    assert.equal(admit(1000), false);
    assert.equal(stub.record.sent.length, 2, 'a new run is notified again');
    assert.deepEqual(stub.record.closes, []);
  });

  it("'close': drops `grace` messages in a row, then closes 1008 'rate limit exceeded'", () => {
    const { stub, admit } = limiter({ messages: 1, perMs: 1000, grace: 2 });
    assert.deepEqual([admit(0), admit(0), admit(0)], [true, false, false]);
    assert.deepEqual(stub.record.closes, []);
    assert.equal(admit(0), false);
    assert.deepEqual(stub.record.closes, [{ code: 1008, reason: 'rate limit exceeded' }]);
    assert.deepEqual(
      stub.events('ws.rate_limited').map((l) => [l['action'], l['dropped']]),
      [
        ['drop', undefined],
        ['close', 3],
      ],
    );
    assert.equal(admit(0), false, 'later messages are dropped without more logging');
    assert.equal(stub.events('ws.rate_limited').length, 2);
  });

  it("'close' with grace 0 closes on the first message over the limit", () => {
    const { stub, admit } = limiter({ messages: 1, perMs: 1000, grace: 0 });
    assert.deepEqual([admit(0), admit(0)], [true, false]);
    assert.deepEqual(stub.record.closes, [{ code: 1008, reason: 'rate limit exceeded' }]);
    assert.deepEqual(
      stub.events('ws.rate_limited').map((l) => l['action']),
      ['close'],
    );
  });

  it("'close': a client that dips under the limit again starts a new grace", () => {
    const { stub, admit } = limiter({ messages: 1, perMs: 100, grace: 1 });
    for (let t = 0; t < 1000; t += 100) {
      assert.equal(admit(t), true);
      assert.equal(admit(t), false);
    }
    assert.deepEqual(stub.record.closes, []);
  });

  it('admits exactly what a token bucket of `burst` tokens refilled at `messages / perMs` admits', () => {
    const settings = [
      { messages: 3, perMs: 1000, burst: 5 },
      { messages: 7, perMs: 100 },
      { messages: 1, perMs: 10, burst: 1 },
      { messages: 1000, perMs: 1000, burst: 10 },
    ];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const options of settings) {
      const { admit } = limiter({ ...options, policy: 'drop' });
      const bucket = new TokenBucket(options.burst ?? options.messages, options.messages / options.perMs, 0);
      let now = 0;
      let admitted = 0;
      for (let i = 0; i < 5000; i++) {
        now += Math.floor(random() * 3 * (options.perMs / options.messages));
        const expected = bucket.tryTake(now);
        assert.equal(admit(now), expected, `${JSON.stringify(options)}: message ${i} at ${now} ms`);
        if (expected) admitted++;
      }
      assert.ok(admitted > 0 && admitted < 5000, 'the sequence exercises both outcomes');
    }
  });

  it('burst lets that many through at once while the rate stays', () => {
    const { admit } = limiter({ messages: 1, perMs: 100, burst: 5, policy: 'drop' });
    assert.equal([0, 0, 0, 0, 0, 0].map(admit).filter(Boolean).length, 5);
    assert.equal(admit(100), true);
    assert.equal(admit(150), false);
  });
});
