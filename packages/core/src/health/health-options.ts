import type { RateLimitOptions } from '@kindling/websocket';

/** The readiness self-probe: a real WebSocket to the app's own probe route. See docs/health.md. */
export interface ProbeOptions {
  /** The probe's WebSocket route (an echo). @default '/health/probe' */
  path?: string;
  /** How long a probe result is reused, so a load balancer's polling costs nothing. @default 5000 */
  intervalMs?: number;
  /** Time for open, echo and close together; past it the probe fails. @default 2000 */
  timeoutMs?: number;
  /** The probe route's own message rate limit. @default { messages: 10, perMs: 1000, policy: 'close' } */
  rateLimit?: RateLimitOptions;
  /** Upgrades per minute from one address to the probe route (429 past it). @default 60 */
  upgradesPerMinute?: number;
}

/** Options for `health`. See docs/health.md. */
export interface HealthOptions {
  /** Liveness: 200 while the process answers. @default '/health/live' */
  livePath?: string;
  /** Readiness: 200 when ready, 503 with the failing check otherwise. @default '/health/ready' */
  readyPath?: string;
  /** Include a WebSocket self-probe in readiness. @default false */
  probe?: boolean | ProbeOptions;
}

/** `health: true` or options; `false`/absent serves no health endpoints. */
export type HealthSetting = boolean | HealthOptions;

/** Probe options with defaults applied. */
export interface ResolvedProbeOptions {
  readonly path: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly rateLimit: RateLimitOptions;
  readonly upgradesPerMinute: number;
}

/** Health options with defaults applied and checked. */
export interface ResolvedHealthOptions {
  readonly livePath: string;
  readonly readyPath: string;
  readonly probe: ResolvedProbeOptions | undefined;
}

/** Applies defaults; throws a `TypeError` naming the bad option. Undefined when health is off. */
export function resolveHealthOptions(setting: HealthSetting | undefined): ResolvedHealthOptions | undefined {
  if (setting === undefined || setting === false) return undefined;
  const options: HealthOptions = setting === true ? {} : setting;
  if (typeof options !== 'object' || options === null) throw new TypeError('health must be true, false or an options object');
  const probe = options.probe === true ? {} : options.probe === false || options.probe === undefined ? undefined : options.probe;
  return {
    livePath: path('health.livePath', options.livePath ?? '/health/live'),
    readyPath: path('health.readyPath', options.readyPath ?? '/health/ready'),
    probe:
      probe === undefined
        ? undefined
        : {
            path: path('health.probe.path', probe.path ?? '/health/probe'),
            intervalMs: count('health.probe.intervalMs', probe.intervalMs ?? 5000, 0),
            timeoutMs: count('health.probe.timeoutMs', probe.timeoutMs ?? 2000, 1),
            rateLimit: probe.rateLimit ?? { messages: 10, perMs: 1000, policy: 'close' },
            upgradesPerMinute: count('health.probe.upgradesPerMinute', probe.upgradesPerMinute ?? 60, 1),
          },
  };
}

function path(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) throw new TypeError(`${name} must start with '/', got ${String(value)}`);
  return value;
}

function count(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2 ** 31 - 1)
    throw new TypeError(`${name} must be an integer from ${min} to 2147483647, got ${String(value)}`);
  return value;
}
