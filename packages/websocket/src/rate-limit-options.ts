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
  /** Messages allowed per `perMs` (the refill rate). Required: there is no default limit. */
  messages: number;
  /** The period `messages` refer to, in ms. Required. */
  perMs: number;
  /**
   * The bucket's size: how many messages may arrive back to back after a quiet period.
   * @default messages
   */
  burst?: number;
  /**
   * What happens to a message over the limit, see {@link RateLimitPolicy}.
   * @default 'close'
   */
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

const POLICIES: readonly RateLimitPolicy[] = ['close', 'drop', 'notify'];
const KEYS = new Set(['messages', 'perMs', 'burst', 'policy', 'grace']);

/**
 * Validates `rateLimit` and fills in its defaults. `false` (or `undefined`) turns it off.
 * Throws a `TypeError` naming the field for anything else that cannot work.
 *
 * @example
 * ```ts
 * resolveRateLimit({ messages: 20, perMs: 1_000 }); // burst 20, policy 'close', grace 5
 * resolveRateLimit({ messages: 0, perMs: 1_000 });  // TypeError
 * ```
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
