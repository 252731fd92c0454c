import { kBeginClose, kLogEvent } from './connection/connection-symbols.js';
import type { LogFields, LogLevel } from './connection/log-event.js';
import { ERROR_CODES } from './errors/error-codes.js';
import type { ErrorBody } from './errors/kindling-error.js';
import { DEFAULT_RATE_LIMIT_GRACE, RATE_LIMIT_CLOSE_REASON, type RateLimitOptions } from './rate-limit-options.js';
import type { SendResult } from './send-result.js';

// Rounding slack for intervals like 1000 / 3 ms that add up in floating point.
const EPSILON_MS = 1e-6;

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

/**
 * What a rate limit needs of its connection (a `WebSocketConnection` is one): whether it is
 * open, a way to send the `'notify'` envelope, and a way to log and close.
 */
export interface RateLimitTarget {
  readonly isOpen: boolean;
  readonly options: { readonly closeTimeoutMs: number };
  sendJson(value: unknown): SendResult;
  [kLogEvent](level: LogLevel, fields: LogFields): void;
  [kBeginClose](code: number, reason: string, timeoutMs: number | undefined): void;
}

/**
 * A connection's message rate limit: the token bucket of {@link RateLimitOptions} kept as a
 * single "theoretical arrival time" (the generic cell rate algorithm, which admits exactly
 * what a bucket of `burst` tokens refilled at `messages / perMs` admits), plus the policy for
 * what is over it. The limits stay in the route's shared options, so a connection pays for one
 * small object. Made with the connection's inbound path when its options have `rateLimit`;
 * {@link admit} runs for every message.
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
  admit(conn: RateLimitTarget, now: number = performance.now()): boolean {
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
  refused(conn: RateLimitTarget, now: number = performance.now()): void {
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

  #recovered(conn: RateLimitTarget): void {
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
