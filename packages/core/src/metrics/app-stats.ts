import type { CloseInfo, HandlerTimings, TimedHandlerKind, WebSocketConnection } from '@kindling/websocket';
import type { RequestObserver } from '../server/lifecycle.js';
import { BucketCounts } from './bucket-counts.js';
import { closeSeriesKey, errorCodeLabel, methodIndex, NO_ROUTE, statusLabel } from './labels.js';

/** Histogram bounds in seconds, per histogram. */
export interface BucketBounds {
  readonly http: readonly number[];
  readonly upgrade: readonly number[];
  readonly handler: readonly number[];
  readonly connection: readonly number[];
}

/** Counts of one WebSocket route: totals of its closed connections, and what happened at its upgrades. */
export class WsRouteStats {
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  sendsBuffered = 0;
  sendsDropped = 0;
  heartbeatTimeouts = 0;
  handlerErrors = 0;
  /** By rate-limit policy (`drop`, `close`, `notify`). */
  readonly rateLimited = new Map<string, number>();
  /** By {@link closeSeriesKey} (code label and who closed). */
  readonly closes = new Map<number, number>();
  /** By error code. */
  readonly validationFailures = new Map<string, number>();
  /** By status (101 for an upgrade). */
  readonly upgrades = new Map<number, number>();
  readonly upgradeSeconds: BucketCounts;
  readonly connectionSeconds: BucketCounts;
  readonly handlerSeconds: Readonly<Record<TimedHandlerKind, BucketCounts>>;

  constructor(bounds: BucketBounds) {
    this.upgradeSeconds = new BucketCounts(bounds.upgrade);
    this.connectionSeconds = new BucketCounts(bounds.connection);
    this.handlerSeconds = { message: new BucketCounts(bounds.handler), batch: new BucketCounts(bounds.handler) };
  }
}

/** One HTTP series: a route pattern, a method from the fixed set and a status. */
export interface HttpSeries {
  readonly route: string;
  readonly method: number;
  readonly status: number;
  count: number;
  readonly seconds: BucketCounts;
}

/** Traffic totals of the app, for `app.metrics()`. */
export interface TrafficTotals {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * The app's counts as plain numbers, written where things happen (a connection closing, a
 * request finishing, a logged event) and read by the Prometheus collectors at scrape time.
 * Per-message counts stay on each connection; a scrape adds the open connections' counts to
 * the totals of the closed ones. Every key is a route pattern or comes from a fixed set.
 */
export class AppStats implements HandlerTimings, RequestObserver {
  readonly bounds: BucketBounds;
  readonly ws = new Map<string, WsRouteStats>();
  readonly http = new Map<string, Map<number, HttpSeries>>();

  constructor(bounds: BucketBounds) {
    this.bounds = bounds;
  }

  /** The stats of a WebSocket route (created on first use). */
  route(pattern: string): WsRouteStats {
    const key = pattern === '' ? NO_ROUTE : pattern;
    let stats = this.ws.get(key);
    if (stats === undefined) this.ws.set(key, (stats = new WsRouteStats(this.bounds)));
    return stats;
  }

  /** A connection closed and left the registry: its counts move into its route's totals. */
  connectionClosed(conn: WebSocketConnection, info: CloseInfo): void {
    const stats = this.route(conn.route);
    addConnection(stats, conn);
    const policy = conn.options.rateLimit === false ? 'none' : (conn.options.rateLimit.policy ?? 'close');
    if (conn.messagesRateLimited > 0) increment(stats.rateLimited, policy, conn.messagesRateLimited);
    increment(stats.closes, closeSeriesKey(info.code, info.initiatedBy), 1);
    stats.connectionSeconds.observe((Date.now() - conn.openedAt) / 1000);
  }

  /** A lifecycle event a connection logged. */
  event(conn: WebSocketConnection, fields: { readonly event: string; readonly code?: unknown }): void {
    switch (fields.event) {
      case 'ws.heartbeat_timeout':
        this.route(conn.route).heartbeatTimeouts++;
        return;
      case 'ws.message_rejected':
        increment(this.route(conn.route).validationFailures, errorCodeLabel(fields.code), 1);
        return;
      case 'ws.handler_error':
      case 'ws.batch_error':
        this.route(conn.route).handlerErrors++;
        return;
    }
  }

  /** A `messageHandler` / `batchHandler` call finished. */
  record(route: string, kind: TimedHandlerKind, ms: number): void {
    this.route(route).handlerSeconds[kind].observe(ms / 1000);
  }

  /** An upgrade request was answered (101 or a rejection). */
  upgrade(route: string, status: number, ms: number): void {
    const stats = this.route(route);
    increment(stats.upgrades, statusLabel(status), 1);
    stats.upgradeSeconds.observe(ms / 1000);
  }

  /** An HTTP request finished (status 0: the client went away first). */
  request(route: string, method: string, status: number, ms: number): void {
    const key = route === '' ? NO_ROUTE : route;
    let byRoute = this.http.get(key);
    if (byRoute === undefined) this.http.set(key, (byRoute = new Map()));
    const m = methodIndex(method);
    const s = statusLabel(status);
    const id = m * 1000 + s;
    let series = byRoute.get(id);
    if (series === undefined) byRoute.set(id, (series = { route: key, method: m, status: s, count: 0, seconds: new BucketCounts(this.bounds.http) }));
    series.count++;
    series.seconds.observe(ms / 1000);
  }

  /** Message and byte totals of closed connections plus those of the open ones. */
  totals(open: Iterable<WebSocketConnection>): TrafficTotals {
    const totals: TrafficTotals = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
    for (const stats of this.ws.values()) addTraffic(totals, stats);
    for (const conn of open) addTraffic(totals, conn);
    return totals;
  }
}

function addConnection(stats: WsRouteStats, conn: WebSocketConnection): void {
  addTraffic(stats, conn);
  stats.sendsBuffered += conn.sendsBuffered;
  stats.sendsDropped += conn.sendsDropped;
}

function addTraffic(to: TrafficTotals, from: Readonly<TrafficTotals>): void {
  to.messagesIn += from.messagesIn;
  to.messagesOut += from.messagesOut;
  to.bytesIn += from.bytesIn;
  to.bytesOut += from.bytesOut;
}

function increment<K>(map: Map<K, number>, key: K, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
