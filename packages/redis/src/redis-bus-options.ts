/** Reconnect backoff of {@link RedisBusOptions.reconnect}. */
export interface ReconnectOptions {
  /** First delay before reconnecting. @default 100 */
  minDelayMs?: number;
  /** Largest delay (it doubles per attempt up to this). @default 5000 */
  maxDelayMs?: number;
}

/** Options for `redisBus`. See docs/scaling.md. */
export interface RedisBusOptions {
  /**
   * Starts every Redis name of this deployment (`<prefix>:t:<topic>`, ...). Apps with different
   * prefixes on one Redis never see each other's publishes. 1-64 of `A-Z a-z 0-9 _ . -`.
   * @default 'kindling'
   */
  prefix?: string;
  /** How long `listen()` waits for Redis before it fails. @default 5000 */
  connectTimeoutMs?: number;
  /** Backoff between reconnect attempts; each delay gets jitter (half to all of it). */
  reconnect?: ReconnectOptions;
  /** How often a node refreshes its heartbeat. @default 2000 */
  heartbeatMs?: number;
  /**
   * How long a node counts as alive after its last heartbeat: the bound within which a crashed
   * node's presence members disappear. At least twice `heartbeatMs`.
   * @default 6000
   */
  ttlMs?: number;
}

/** {@link RedisBusOptions} with every default filled in. */
export interface ResolvedRedisBusOptions {
  readonly prefix: string;
  readonly connectTimeoutMs: number;
  readonly reconnect: Required<ReconnectOptions>;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
}

/** Fills in defaults and checks every option (TypeError). */
export function resolveRedisBusOptions(options: RedisBusOptions): ResolvedRedisBusOptions {
  const heartbeatMs = ms('heartbeatMs', options.heartbeatMs, 2000);
  const ttlMs = ms('ttlMs', options.ttlMs, 6000);
  if (ttlMs < 2 * heartbeatMs) throw new TypeError(`redisBus: ttlMs (${ttlMs}) must be at least twice heartbeatMs (${heartbeatMs})`);
  const minDelayMs = ms('reconnect.minDelayMs', options.reconnect?.minDelayMs, 100);
  const maxDelayMs = ms('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, 5000);
  if (maxDelayMs < minDelayMs) throw new TypeError('redisBus: reconnect.maxDelayMs must be at least reconnect.minDelayMs');
  return {
    prefix: options.prefix ?? 'kindling',
    connectTimeoutMs: ms('connectTimeoutMs', options.connectTimeoutMs, 5000),
    reconnect: { minDelayMs, maxDelayMs },
    heartbeatMs,
    ttlMs,
  };
}

/** Exponential backoff with jitter: attempt n waits between half and all of min·2ⁿ⁻¹, capped. */
export function reconnectDelay(attempt: number, { minDelayMs, maxDelayMs }: Required<ReconnectOptions>): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function ms(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > 2 ** 31 - 1)
    throw new TypeError(`redisBus: ${name} must be a whole number of milliseconds from 1 to 2147483647, got ${value}`);
  return value;
}
