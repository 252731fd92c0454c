import type { BucketBounds } from './app-stats.js';
import { checkBuckets } from './bucket-counts.js';

/**
 * A prom-client `Registry` (typed structurally so apps without prom-client still compile).
 * It must come from the same prom-client the app loads.
 */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** Histogram bucket bounds in seconds, per histogram. See docs/metrics.md. */
export interface MetricsBuckets {
  /** `http_request_duration_seconds`. @default 0.0005 … 10 (14 bounds) */
  http?: readonly number[];
  /** `ws_upgrade_duration_seconds`. @default 0.0005 … 10 (14 bounds) */
  upgrade?: readonly number[];
  /** `ws_handler_duration_seconds`. @default 0.0005 … 10 (14 bounds) */
  handler?: readonly number[];
  /** `ws_connection_duration_seconds`. @default 1, 10, 60, 300, 900, 1800, 3600, 14400, 86400 */
  connection?: readonly number[];
}

/** Options for `metrics`. See docs/metrics.md. */
export interface MetricsOptions {
  /** Where the Prometheus text is served (GET). @default '/metrics' */
  path?: string;
  /** Prefix of every Kindling metric name. @default 'kindling_' */
  prefix?: string;
  /** Register into this prom-client registry (with your own metrics) instead of a new one. */
  registry?: MetricsRegistry;
  /** Histogram bucket bounds in seconds. */
  buckets?: MetricsBuckets;
  /**
   * Also collect prom-client's default process metrics (CPU, memory, event loop lag, GC), under
   * their standard names. Opt-in, as in prom-client itself: their GC observer and event-loop
   * monitor cost 1–3% of echo throughput (docs/metrics.md), and `promtool check metrics` flags
   * three of their names.
   * @default false
   */
  defaultMetrics?: boolean;
}

/** `metrics: true` or options; `false`/absent serves no metrics and never loads prom-client. */
export type MetricsSetting = boolean | MetricsOptions;

/** Metrics options with defaults applied and checked. */
export interface ResolvedMetricsOptions {
  readonly path: string;
  readonly prefix: string;
  readonly registry: MetricsRegistry | undefined;
  readonly buckets: BucketBounds;
  readonly defaultMetrics: boolean;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CONNECTION_BUCKETS = [1, 10, 60, 300, 900, 1800, 3600, 14400, 86400];

/** The bounds used when `metrics.buckets` does not say otherwise (and by `app.metrics()`'s own counts). */
export const DEFAULT_BUCKETS: BucketBounds = Object.freeze({
  http: LATENCY_BUCKETS,
  upgrade: LATENCY_BUCKETS,
  handler: LATENCY_BUCKETS,
  connection: CONNECTION_BUCKETS,
});

/** Applies defaults; throws a `TypeError` naming the bad option. Undefined when metrics are off. */
export function resolveMetricsOptions(setting: MetricsSetting | undefined): ResolvedMetricsOptions | undefined {
  if (setting === undefined || setting === false) return undefined;
  const options: MetricsOptions = setting === true ? {} : setting;
  if (typeof options !== 'object' || options === null) throw new TypeError('metrics must be true, false or an options object');
  const path = options.path ?? '/metrics';
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`metrics.path must start with '/', got ${String(path)}`);
  const prefix = options.prefix ?? 'kindling_';
  if (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/.test(prefix))
    throw new TypeError(`metrics.prefix must be a valid metric name prefix, got ${String(prefix)}`);
  const b = options.buckets ?? {};
  return {
    path,
    prefix,
    registry: options.registry,
    buckets: {
      http: checkBuckets('metrics.buckets.http', b.http ?? LATENCY_BUCKETS),
      upgrade: checkBuckets('metrics.buckets.upgrade', b.upgrade ?? LATENCY_BUCKETS),
      handler: checkBuckets('metrics.buckets.handler', b.handler ?? LATENCY_BUCKETS),
      connection: checkBuckets('metrics.buckets.connection', b.connection ?? CONNECTION_BUCKETS),
    },
    defaultMetrics: options.defaultMetrics ?? false,
  };
}
