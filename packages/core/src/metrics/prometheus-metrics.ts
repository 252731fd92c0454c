import type { Registry } from 'prom-client';
import type { TopicBus, WebSocketConnection } from '@kindling/websocket';
import type { AppStats, WsRouteStats } from './app-stats.js';
import type { BucketCounts } from './bucket-counts.js';
import { registerBusMetrics } from './bus-metrics.js';
import { closeSeriesLabels, methodLabel } from './labels.js';
import type { PromClient } from './load-prom-client.js';
import { scrapedCounter, scrapedGauge, type Labels, type Row, type SeriesTarget } from './scraped-series.js';

/** What the collectors read at scrape time. */
export interface ScrapeSource {
  readonly stats: AppStats;
  /** The open connections (their counts are added to the closed ones' totals). */
  readonly connections: Iterable<WebSocketConnection>;
  /** Every WebSocket route pattern, so each has its series from the first scrape (at 0). */
  readonly wsRoutes: readonly string[];
  /** The bus the app was given (`bus` option, or `serve()`'s threads bus); undefined: no bus series. */
  readonly bus: TopicBus | undefined;
}

/**
 * Registers Kindling's metrics in `registry`. Nothing here runs per message or request: each
 * collector reads the plain numbers of {@link AppStats} and the open connections when
 * Prometheus scrapes. See docs/metrics.md for the list.
 */
export function registerKindlingMetrics(prom: PromClient, registry: Registry, prefix: string, source: ScrapeSource): void {
  const { stats } = source;
  const registers = [registry];

  const target: SeriesTarget = { prom, registry, prefix };

  /**
   * A histogram whose buckets were counted by Kindling: prom-client renders a histogram from
   * `getForPromString()` (its `get()` calls it too), so that is where the counts are read.
   */
  class ScrapedHistogram extends prom.Histogram<string> {
    readonly #rows: () => Iterable<Row<BucketCounts>>;
    readonly #name: string;
    readonly #help: string;
    constructor(name: string, help: string, labelNames: readonly string[], rows: () => Iterable<Row<BucketCounts>>) {
      super({ name: prefix + name, help, labelNames, registers });
      this.#rows = rows;
      this.#name = prefix + name;
      this.#help = help;
    }
    async getForPromString(): Promise<{ name: string; help: string; type: string; values: HistogramSample[]; aggregator: 'sum' }> {
      return { name: this.#name, help: this.#help, type: 'histogram', values: histogramSamples(this.#name, this.#rows()), aggregator: 'sum' };
    }
  }

  const routes = () => routeStats(stats, source.wsRoutes);

  scrapedGauge(target, 'ws_connections', 'Open WebSocket connections, by route pattern.', ['route'], function* () {
    const open = new Map<string, number>(source.wsRoutes.map((r) => [r, 0]));
    for (const conn of source.connections) open.set(conn.route, (open.get(conn.route) ?? 0) + 1);
    for (const [route, count] of open) yield [{ route }, count];
  });

  scrapedCounter(target, 'ws_upgrades_total', 'Upgrade requests answered, by route pattern and status (101: upgraded).', ['route', 'status'], function* () {
    for (const [route, s] of routes()) for (const [status, n] of s.upgrades) yield [{ route, status }, n];
  });
  new ScrapedHistogram('ws_upgrade_duration_seconds', 'Time from an upgrade request to its 101 or rejection, by route pattern.', ['route'], function* () {
    for (const [route, s] of routes()) if (s.upgradeSeconds.count > 0) yield [{ route }, s.upgradeSeconds];
  });

  const live = () => liveByRoute(source.connections);
  const traffic = (field: 'messagesIn' | 'messagesOut' | 'bytesIn' | 'bytesOut' | 'sendsBuffered' | 'sendsDropped') =>
    function* (): Iterable<Row<number>> {
      const open = live();
      for (const [route, s] of routes()) yield [{ route }, s[field] + (open.get(route)?.[field] ?? 0)];
    };
  scrapedCounter(target, 'ws_messages_received_total', 'WebSocket messages received, by route pattern.', ['route'], traffic('messagesIn'));
  scrapedCounter(target, 'ws_messages_sent_total', 'WebSocket messages sent (written or buffered), by route pattern.', ['route'], traffic('messagesOut'));
  scrapedCounter(target, 'ws_received_bytes_total', 'Payload bytes of the WebSocket messages received, by route pattern.', ['route'], traffic('bytesIn'));
  scrapedCounter(target, 'ws_sent_bytes_total', 'Payload bytes of the WebSocket messages sent, by route pattern.', ['route'], traffic('bytesOut'));
  scrapedCounter(
    target,
    'ws_send_results_total',
    'Sends that did not go straight out: buffered under backpressure, or dropped at the backpressure limit.',
    ['route', 'result'],
    function* () {
      const open = live();
      for (const [route, s] of routes()) {
        yield [{ route, result: 'buffered' }, s.sendsBuffered + (open.get(route)?.sendsBuffered ?? 0)];
        yield [{ route, result: 'dropped' }, s.sendsDropped + (open.get(route)?.sendsDropped ?? 0)];
      }
    },
  );
  scrapedCounter(
    target,
    'ws_closes_total',
    'Closed WebSocket connections, by route pattern, close code and who closed (server or client).',
    ['route', 'code', 'initiated_by'],
    function* () {
      for (const [route, s] of routes()) {
        for (const [key, n] of s.closes) {
          const { code, initiatedBy } = closeSeriesLabels(key);
          yield [{ route, code, initiated_by: initiatedBy }, n];
        }
      }
    },
  );
  scrapedCounter(
    target,
    'ws_heartbeat_timeouts_total',
    'Connections closed because they did not answer a heartbeat ping, by route pattern.',
    ['route'],
    function* () {
      for (const [route, s] of routes()) yield [{ route }, s.heartbeatTimeouts];
    },
  );
  scrapedCounter(
    target,
    'ws_rate_limited_messages_total',
    'Messages refused by the rate limit, by route pattern and the action taken (drop, close, notify).',
    ['route', 'action'],
    function* () {
      const open = live();
      for (const [route, s] of routes()) {
        const byAction = new Map(s.rateLimited);
        for (const [action, n] of open.get(route)?.rateLimited ?? []) byAction.set(action, (byAction.get(action) ?? 0) + n);
        for (const [action, n] of byAction) yield [{ route, action }, n];
      }
    },
  );
  scrapedCounter(
    target,
    'ws_validation_failures_total',
    'Messages a messageHandler rejected (invalid JSON, failed validation, client errors), by route pattern and error code.',
    ['route', 'code'],
    function* () {
      for (const [route, s] of routes()) for (const [code, n] of s.validationFailures) yield [{ route, code }, n];
    },
  );
  scrapedCounter(
    target,
    'ws_handler_errors_total',
    'Unexpected errors thrown by WebSocket handlers (handler, messageHandler, batchHandler), by route pattern.',
    ['route'],
    function* () {
      for (const [route, s] of routes()) yield [{ route }, s.handlerErrors];
    },
  );
  new ScrapedHistogram(
    'ws_handler_duration_seconds',
    'Duration of messageHandler / batchHandler calls, by route pattern and kind (message, batch).',
    ['route', 'kind'],
    function* () {
      for (const [route, s] of routes()) {
        for (const kind of ['message', 'batch'] as const) if (s.handlerSeconds[kind].count > 0) yield [{ route, kind }, s.handlerSeconds[kind]];
      }
    },
  );
  new ScrapedHistogram('ws_connection_duration_seconds', 'How long closed WebSocket connections were open, by route pattern.', ['route'], function* () {
    for (const [route, s] of routes()) if (s.connectionSeconds.count > 0) yield [{ route }, s.connectionSeconds];
  });

  scrapedCounter(
    target,
    'http_requests_total',
    'HTTP requests answered, by route pattern, method and status (0: the client went away first).',
    ['route', 'method', 'status'],
    function* () {
      for (const byRoute of stats.http.values())
        for (const s of byRoute.values()) yield [{ route: s.route, method: methodLabel(s.method), status: s.status }, s.count];
    },
  );
  new ScrapedHistogram(
    'http_request_duration_seconds',
    'Time to answer HTTP requests, by route pattern, method and status.',
    ['route', 'method', 'status'],
    function* () {
      for (const byRoute of stats.http.values())
        for (const s of byRoute.values()) yield [{ route: s.route, method: methodLabel(s.method), status: s.status }, s.seconds];
    },
  );

  const { bus } = source;
  if (bus !== undefined) registerBusMetrics(target, () => bus.stats());
}

/** Every WebSocket route's stats, the declared routes first (so they appear at 0). */
function* routeStats(stats: AppStats, wsRoutes: readonly string[]): Iterable<readonly [string, WsRouteStats]> {
  for (const route of wsRoutes) stats.route(route);
  yield* stats.ws;
}

interface LiveCounts {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  sendsBuffered: number;
  sendsDropped: number;
  rateLimited: Map<string, number>;
}

/** The counts of the open connections, summed by route. */
function liveByRoute(connections: Iterable<WebSocketConnection>): Map<string, LiveCounts> {
  const byRoute = new Map<string, LiveCounts>();
  for (const conn of connections) {
    let c = byRoute.get(conn.route);
    if (c === undefined)
      byRoute.set(conn.route, (c = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, sendsBuffered: 0, sendsDropped: 0, rateLimited: new Map() }));
    c.messagesIn += conn.messagesIn;
    c.messagesOut += conn.messagesOut;
    c.bytesIn += conn.bytesIn;
    c.bytesOut += conn.bytesOut;
    c.sendsBuffered += conn.sendsBuffered;
    c.sendsDropped += conn.sendsDropped;
    if (conn.messagesRateLimited > 0 && conn.options.rateLimit !== false) {
      const action = conn.options.rateLimit.policy ?? 'close';
      c.rateLimited.set(action, (c.rateLimited.get(action) ?? 0) + conn.messagesRateLimited);
    }
  }
  return byRoute;
}

/** One sample in the shape prom-client's histogram gives its registry. */
interface HistogramSample {
  readonly labels: Labels;
  readonly sharedLabels: Labels;
  readonly value: number;
  readonly metricName: string;
}

/** Cumulative `_bucket`, `_sum` and `_count` samples of counted histograms. */
function histogramSamples(name: string, rows: Iterable<Row<BucketCounts>>): HistogramSample[] {
  const samples: HistogramSample[] = [];
  for (const [labels, counts] of rows) {
    let cumulative = 0;
    counts.bounds.forEach((le, i) => {
      cumulative += counts.slots[i] ?? 0;
      samples.push({ labels: { ...labels, le }, sharedLabels: {}, value: cumulative, metricName: `${name}_bucket` });
    });
    cumulative += counts.slots[counts.bounds.length] ?? 0;
    samples.push({ labels: { ...labels, le: '+Inf' }, sharedLabels: {}, value: cumulative, metricName: `${name}_bucket` });
    samples.push({ labels: { ...labels }, sharedLabels: {}, value: counts.sum, metricName: `${name}_sum` });
    samples.push({ labels: { ...labels }, sharedLabels: {}, value: counts.count, metricName: `${name}_count` });
  }
  return samples;
}
