import { kBeginClose, kLogEvent } from './connection-internals.js';
import type { WebSocketConnection } from './connection.js';
import { ERROR_CODES } from './errors/error-codes.js';
import type { ErrorBody } from './errors/kindling-error.js';
import { describeValue } from './received-value.js';

/**
 * What happens to a message over a connection's rate limit (see docs/rate-limiting.md):
 * - `'close'`: it is dropped; past `grace` such messages in a row the connection is closed
 *   with 1008 "rate limit exceeded".
 * - `'drop'`: it is dropped; the connection stays open.
 * - `'notify'`: it is dropped, and the first one of each run of over-limit messages is answered
 *   with an error envelope `{ error: { code: 'RATE_LIMITED', message, details: { retryAfterMs } } }`.
 *
 * Every dropped message is counted (`ws.messagesRateLimited`, `messagesDropped` on the
 * `ws.close` log line) and each run of them is logged (`ws.rate_limited`, then
 * `ws.rate_limit_recovered` with the run's count).
 */
export type RateLimitPolicy = 'close' | 'drop' | 'notify';

/**
 * A per-connection token bucket: `messages` per `perMs` on average, up to `burst` at once.
 * Only data messages count; pings and pongs do not.
 *
 * @example
 * ```ts
 * const rateLimit: RateLimitOptions = { messages: 20, perMs: 1_000, burst: 40, policy: 'notify' };
 * ```
 */
export interface RateLimitOptions {
  /** Messages allowed per `perMs` (the refill rate). */
  messages: number;
  /** The period `messages` refer to, in ms. */
  perMs: number;
  /**
   * The bucket's size: how many messages may arrive back to back after a quiet period.
   * @default messages
   */
  burst?: number;
  /** @default 'close' */
  policy?: RateLimitPolicy;
  /**
   * With `policy: 'close'`: over-limit messages dropped in a row (with no accepted message in
   * between) before the connection is closed. A client slightly over its limit loses a message
   * or two; a flood is closed. `0` closes on the first over-limit message.
   * @default 5
   */
  grace?: number;
}

/** The close reason of a connection closed by its rate limit (code 1008). */
export const RATE_LIMIT_CLOSE_REASON = 'rate limit exceeded';

/** The default `grace` of the `'close'` policy. */
export const DEFAULT_RATE_LIMIT_GRACE = 5;

// Rounding slack for intervals like 1000 / 3 ms that add up in floating point.
const EPSILON_MS = 1e-6;

const POLICIES: readonly RateLimitPolicy[] = ['close', 'drop', 'notify'];
const KEYS = new Set(['messages', 'perMs', 'burst', 'policy', 'grace']);

/**
 * Validates `rateLimit` and fills in its defaults. `false` (or `undefined`) turns it off.
 * Throws a `TypeError` naming the field for anything else that cannot work.
 */
export function resolveRateLimit(value: unknown): Readonly<Required<RateLimitOptions>> | false {
  if (value === false || value === undefined) return false;
  if (typeof value !== 'object' || value === null) throw new TypeError(`rateLimit must be an object or false, got ${describeValue(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!KEYS.has(key)) throw new TypeError(`Unknown rateLimit option "${key}"`);
  const messages = positiveInteger('rateLimit.messages', record['messages']);
  const perMs = positiveInteger('rateLimit.perMs', record['perMs']);
  const burst = record['burst'] === undefined ? messages : positiveInteger('rateLimit.burst', record['burst']);
  const policy = record['policy'] ?? 'close';
  if (!POLICIES.includes(policy as RateLimitPolicy)) throw new TypeError(`rateLimit.policy must be 'close', 'drop' or 'notify', got ${describeValue(policy)}`);
  const grace = record['grace'] === undefined ? DEFAULT_RATE_LIMIT_GRACE : integerFrom('rateLimit.grace', record['grace'], 0);
  return Object.freeze({ messages, perMs, burst, policy: policy as RateLimitPolicy, grace });
}

function positiveInteger(name: string, value: unknown): number {
  return integerFrom(name, value, 1);
}

function integerFrom(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * A token bucket: holds up to `capacity` tokens, refills `refillPerMs` tokens per ms, and each
 * accepted event takes one. Starts full. `now` defaults to `performance.now()`, a monotonic
 * clock that a wall-clock step cannot move; a `now` that goes back is treated as no time passing.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(10, 10 / 60_000); // 10 per minute, 10 at once
 * if (!bucket.tryTake()) console.log(`retry in ${bucket.msUntilNext()} ms`);
 * ```
 */
export class TokenBucket {
  /** The most tokens the bucket holds. */
  readonly capacity: number;
  /** Tokens added per ms. */
  readonly refillPerMs: number;
  #tokens: number;
  #updatedAt: number;

  constructor(capacity: number, refillPerMs: number, now: number = performance.now()) {
    if (!(capacity > 0) || !(refillPerMs > 0)) throw new TypeError('TokenBucket: capacity and refillPerMs must be positive');
    this.capacity = capacity;
    this.refillPerMs = refillPerMs;
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /** Takes a token if one is available. */
  tryTake(now: number = performance.now()): boolean {
    const tokens = this.#refill(now);
    if (tokens < 1) return false;
    this.#tokens = tokens - 1;
    return true;
  }

  /** Tokens available at `now` (fractional). */
  available(now: number = performance.now()): number {
    return this.#refill(now);
  }

  /** Milliseconds until a token is available (0 when one is). */
  msUntilNext(now: number = performance.now()): number {
    const missing = 1 - this.#refill(now);
    return missing <= 0 ? 0 : Math.ceil(missing / this.refillPerMs);
  }

  /** True when the bucket is full again (nothing to remember for this key). */
  isFull(now: number = performance.now()): boolean {
    return this.#refill(now) >= this.capacity;
  }

  #refill(now: number): number {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerMs);
      this.#updatedAt = now;
    }
    return this.#tokens;
  }
}

/** What a rate limit needs of its connection. */
export type LimitedConnection = Pick<WebSocketConnection, 'isOpen' | 'options' | 'sendJson' | typeof kLogEvent | typeof kBeginClose>;

/**
 * A connection's message rate limit: the token bucket of {@link RateLimitOptions} kept as a
 * single "theoretical arrival time" (the generic cell rate algorithm, which admits exactly
 * what a bucket of `burst` tokens refilled at `messages / perMs` admits), plus the policy for
 * what is over it. The limits stay in the route's shared options, so a connection pays for one
 * small object. Created by the connection when its options have `rateLimit`; {@link admit}
 * runs for every message.
 */
export class MessageRateLimiter {
  readonly #options: Readonly<RateLimitOptions>;
  // When the bucket would be full again if nothing else arrived (ms on the limiter's clock).
  #tat: number;
  #inRow = 0;

  /**
   * `options` as returned by {@link resolveRateLimit} (unset fields take their defaults). `now`
   * and the `now` of the other methods read one monotonic clock, `performance.now()` by default.
   */
  constructor(options: Readonly<RateLimitOptions>, now: number = performance.now()) {
    this.#options = options;
    this.#tat = now;
  }

  /**
   * Whether the message may be delivered. When not, the caller counts it as dropped and then
   * calls {@link refused}, which applies the policy.
   */
  admit(conn: LimitedConnection, now: number = performance.now()): boolean {
    const { messages, perMs, burst = messages } = this.#options;
    const interval = perMs / messages;
    const tat = this.#tat > now ? this.#tat : now;
    // Over the limit when the bucket would overflow: more than `burst - 1` intervals ahead.
    if (tat - now > (burst - 1) * interval + EPSILON_MS) return false;
    this.#tat = tat + interval;
    if (this.#inRow !== 0) this.#recovered(conn);
    return true;
  }

  /** Milliseconds until a message would be admitted (0 when one would be now). */
  msUntilNext(now: number = performance.now()): number {
    const { messages, perMs, burst = messages } = this.#options;
    const interval = perMs / messages;
    const wait = Math.max(this.#tat, now) - now - (burst - 1) * interval;
    return wait <= EPSILON_MS ? 0 : Math.ceil(wait - EPSILON_MS);
  }

  /** Applies the policy to a message {@link admit} refused: log, notify, or start the close. */
  refused(conn: LimitedConnection, now: number = performance.now()): void {
    const inRow = ++this.#inRow;
    if (!conn.isOpen) return;
    const policy = this.#options.policy ?? 'close';
    const grace = this.#options.grace ?? DEFAULT_RATE_LIMIT_GRACE;
    const closing = policy === 'close' && inRow > grace;
    if (inRow === 1) {
      const action = closing ? 'close' : policy === 'notify' ? 'notify' : 'drop';
      conn[kLogEvent]('warn', { event: 'ws.rate_limited', policy, action, ...this.#limits() });
      if (policy === 'notify') conn.sendJson(this.#envelope(now));
    } else if (closing) {
      conn[kLogEvent]('warn', { event: 'ws.rate_limited', policy, action: 'close', dropped: inRow, ...this.#limits() });
    }
    if (closing) conn[kBeginClose](ERROR_CODES.RATE_LIMITED.closeCode, RATE_LIMIT_CLOSE_REASON, conn.options.closeTimeoutMs);
  }

  #recovered(conn: LimitedConnection): void {
    const dropped = this.#inRow;
    this.#inRow = 0;
    if (conn.isOpen) conn[kLogEvent]('info', { event: 'ws.rate_limit_recovered', dropped });
  }

  #limits(): { messages: number; perMs: number; burst: number } {
    const { messages, perMs, burst = messages } = this.#options;
    return { messages, perMs, burst };
  }

  #envelope(now: number): ErrorBody {
    const { message } = ERROR_CODES.RATE_LIMITED;
    return { error: { code: 'RATE_LIMITED', message, details: { retryAfterMs: this.msUntilNext(now) } } };
  }
}
