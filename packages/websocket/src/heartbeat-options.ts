import { describeValue } from './received-value.js';

/**
 * Server pings (see docs/heartbeat.md): a connection that has sent nothing for `intervalMs` is
 * pinged; one that then stays silent (no pong, no message) for `timeoutMs` is closed with 1001
 * "heartbeat timeout" and logged as `ws.heartbeat_timeout`. Both fields are required when the
 * option is given; {@link DEFAULT_HEARTBEAT} applies when it is not.
 *
 * @example
 * ```ts
 * const heartbeat: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 5_000 };
 * ```
 */
export interface HeartbeatOptions {
  /**
   * Silence after which the server pings, in ms (10 or more).
   * @default 30000
   */
  intervalMs: number;
  /**
   * How long a pinged connection may stay silent before it is closed, in ms (10 or more).
   * @default 10000
   */
  timeoutMs: number;
}

/** The heartbeat every connection gets unless its route or the app sets `heartbeat: false`. */
export const DEFAULT_HEARTBEAT: Readonly<HeartbeatOptions> = Object.freeze({ intervalMs: 30_000, timeoutMs: 10_000 });

/** The shortest interval or timeout accepted, in ms; also the finest sweep resolution. */
export const MIN_HEARTBEAT_MS = 10;
const MAX_MS = 2 ** 31 - 1;

/**
 * Validates `heartbeat`; `false` turns it off. Throws a `TypeError` naming the bad field.
 *
 * @example
 * ```ts
 * resolveHeartbeat({ intervalMs: 15_000, timeoutMs: 5_000 }); // frozen copy
 * resolveHeartbeat({ intervalMs: 5 });                        // TypeError
 * ```
 */
export function resolveHeartbeat(value: unknown): Readonly<HeartbeatOptions> | false {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) throw new TypeError(`heartbeat must be { intervalMs, timeoutMs } or false, got ${describeValue(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'intervalMs' && key !== 'timeoutMs') throw new TypeError(`Unknown heartbeat option "${key}"`);
  }
  return Object.freeze({ intervalMs: checkMs('heartbeat.intervalMs', record['intervalMs']), timeoutMs: checkMs('heartbeat.timeoutMs', record['timeoutMs']) });
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_HEARTBEAT_MS || value > MAX_MS) {
    throw new TypeError(`${name} must be an integer from ${MIN_HEARTBEAT_MS} to ${MAX_MS}, got ${describeValue(value)}`);
  }
  return value;
}
