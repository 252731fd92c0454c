import { DEFAULT_HEARTBEAT, resolveHeartbeat, type HeartbeatOptions } from './heartbeat-options.js';
import { resolveRateLimit, type RateLimitOptions } from './rate-limit-options.js';
import { describeValue } from './received-value.js';

/** Per-connection limits and timeouts, set per route (see docs/websocket.md). */
export interface ConnectionOptions {
  /**
   * Largest message accepted, in bytes. A larger message closes the connection with 1009
   * (`PAYLOAD_TOO_LARGE`) — a real close frame, because the engine's own hard cap is set
   * higher. Past that hard cap the engine drops TCP without a close frame (the peer sees 1006).
   * @default 65536 (64 KiB)
   */
  maxPayloadLength: number;
  /**
   * Received messages waiting for the handler to read them. One more closes the connection
   * with 1008 (`QUEUE_OVERFLOW`) and logs `ws.queue_overflow`; nothing is dropped silently.
   * @default 1024
   */
  maxQueuedMessages: number;
  /**
   * How long `close()` waits for already-buffered outgoing data to flush before it sends the
   * close frame; past it the socket is terminated (the peer sees 1006). A close with nothing
   * buffered sends the frame at once and does not wait: uWS v20.30 completes the close inside
   * `end()` and never reports the peer's answering close frame, so there is nothing to wait
   * for. `0` terminates at once when data is buffered.
   * @default 5000
   */
  closeTimeoutMs: number;
  /**
   * Outgoing bytes that may wait in the send buffer. A send that would take the buffered
   * amount past it returns `'dropped'` (a send into an empty buffer is always accepted).
   * `0` disables the limit.
   * @default 1048576 (1 MiB)
   */
  maxBackpressure: number;
  /**
   * Close the connection with 1008 (`BACKPRESSURE_LIMIT`) instead of dropping the message
   * when `maxBackpressure` is exceeded.
   * @default false
   */
  closeOnBackpressureLimit: boolean;
  /**
   * Close the connection with 1001 "idle timeout" when the peer sends nothing (no message,
   * ping or pong) for this long. Checked by one shared sweep timer ticking at a quarter of the
   * timeout (10 ms to 1 s), so the close is never early and at most two ticks late. Outgoing
   * frames do not count. `0` disables it.
   * @default 0
   */
  idleTimeoutMs: number;
  /**
   * Server pings: a connection silent for `intervalMs` is pinged, and closed with 1001
   * "heartbeat timeout" when it stays silent for `timeoutMs` after the ping. Checked by the
   * shared sweep timer (no timer per connection). `false` turns it off. See docs/heartbeat.md.
   * @default { intervalMs: 30000, timeoutMs: 10000 }
   */
  heartbeat: HeartbeatOptions | false;
  /**
   * A token bucket over received messages, with a policy for those over it (`'close'` with 1008
   * after a grace, `'drop'` or `'notify'`). `false` turns it off. See docs/rate-limiting.md.
   * @default false
   */
  rateLimit: RateLimitOptions | false;
}

/** The defaults of every {@link ConnectionOptions} field. */
export const DEFAULT_CONNECTION_OPTIONS: Readonly<ConnectionOptions> = Object.freeze({
  maxPayloadLength: 64 * 1024,
  maxQueuedMessages: 1024,
  closeTimeoutMs: 5000,
  maxBackpressure: 1024 * 1024,
  closeOnBackpressureLimit: false,
  idleTimeoutMs: 0,
  heartbeat: DEFAULT_HEARTBEAT,
  rateLimit: false,
});

type NumericOption = Exclude<keyof ConnectionOptions, 'closeOnBackpressureLimit' | 'heartbeat' | 'rateLimit'>;

const MIN: Record<NumericOption, number> = {
  maxPayloadLength: 1,
  maxQueuedMessages: 1,
  closeTimeoutMs: 0,
  maxBackpressure: 0,
  idleTimeoutMs: 0,
};

// setTimeout clamps larger delays to 1 ms, which would turn a long timeout into an instant one.
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX: Record<NumericOption, number> = {
  maxPayloadLength: 2 ** 32 - 1,
  maxQueuedMessages: 2 ** 24,
  closeTimeoutMs: MAX_TIMER_MS,
  maxBackpressure: Number.MAX_SAFE_INTEGER,
  idleTimeoutMs: MAX_TIMER_MS,
};

/**
 * Fills in defaults and validates. Throws a `TypeError` naming the option for a negative,
 * fractional, NaN or out-of-range number, a non-boolean flag or an unknown key.
 *
 * @example
 * ```ts
 * resolveConnectionOptions({ maxQueuedMessages: 64 }); // the other fields at their defaults
 * resolveConnectionOptions({ idleTimeoutMs: -1 });     // TypeError
 * resolveConnectionOptions({ heartbeat: false, rateLimit: { messages: 20, perMs: 1_000 } });
 * ```
 */
export function resolveConnectionOptions(partial: Partial<ConnectionOptions> = {}): ConnectionOptions {
  if (typeof partial !== 'object' || partial === null) {
    throw new TypeError('Connection options must be an object');
  }
  const resolved: ConnectionOptions = { ...DEFAULT_CONNECTION_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (key === 'closeOnBackpressureLimit') {
      if (typeof value !== 'boolean') throw new TypeError(`closeOnBackpressureLimit must be a boolean, got ${describeValue(value)}`);
      resolved.closeOnBackpressureLimit = value;
    } else if (key === 'heartbeat') {
      resolved.heartbeat = resolveHeartbeat(value);
    } else if (key === 'rateLimit') {
      resolved.rateLimit = resolveRateLimit(value);
    } else if (Object.hasOwn(MIN, key)) {
      const name = key as NumericOption;
      resolved[name] = checkInteger(name, value);
    } else {
      throw new TypeError(`Unknown connection option "${key}"`);
    }
  }
  return resolved;
}

function checkInteger(name: NumericOption, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN[name] || value > MAX[name]) {
    const range = `an integer from ${MIN[name]} to ${MAX[name]}`;
    throw new TypeError(`${name} must be ${range}, got ${describeValue(value)}`);
  }
  return value;
}
