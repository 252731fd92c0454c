import { describeValue, KindlingError, TokenBucket } from '@kindling/websocket';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';

/**
 * A route's per-address limits after merging with the app defaults. `scope` names the counter:
 * a limit set in the app's `websocket` defaults counts across every route that inherits it; a
 * limit set on a route counts that route alone.
 */
export interface RouteIpLimits {
  readonly connections: { readonly scope: string; readonly max: number } | undefined;
  readonly upgrades: { readonly scope: string; readonly perMinute: number } | undefined;
}

/** The `Retry-After` of a refusal for `connectionsPerIp`: when a slot frees up is not known. */
export const CONNECTION_LIMIT_RETRY_AFTER_SECONDS = 5;

const APP_SCOPE = 'app';
const MINUTE_MS = 60_000;
// Full buckets carry no information and are forgotten: at most once a minute, or once a second
// while many addresses are being tracked.
const PRUNE_EVERY_MS = MINUTE_MS;
const PRUNE_BUSY_MS = 1_000;
const BUSY_ADDRESSES = 10_000;

/** Too many open connections from one address (429 `RATE_LIMITED`, before the upgrade). */
export class TooManyConnectionsFromAddress extends KindlingError {
  constructor(max: number) {
    super('RATE_LIMITED', {
      message: 'Too many connections from this address',
      details: { limit: 'connectionsPerIp', max },
      headers: { 'retry-after': String(CONNECTION_LIMIT_RETRY_AFTER_SECONDS) },
    });
  }
}

/** Too many upgrade requests from one address in the last minute (429 `RATE_LIMITED`). */
export class TooManyUpgradesFromAddress extends KindlingError {
  constructor(perMinute: number, retryAfterSeconds: number) {
    super('RATE_LIMITED', {
      message: 'Too many upgrade requests from this address',
      details: { limit: 'upgradesPerMinute', max: perMinute, retryAfterSeconds },
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

/**
 * Resolves a route's `connectionsPerIp` and `upgradesPerMinute` against the app defaults.
 * Returns undefined when neither applies. Throws a `TypeError` for a value that is not a
 * positive integer.
 */
export function resolveIpLimits(route: WebSocketRouteOptions, defaults: WebSocketRouteOptions, pattern: string): RouteIpLimits | undefined {
  const connections = pick('connectionsPerIp', route.connectionsPerIp, defaults.connectionsPerIp, pattern);
  const upgrades = pick('upgradesPerMinute', route.upgradesPerMinute, defaults.upgradesPerMinute, pattern);
  if (connections === undefined && upgrades === undefined) return undefined;
  return {
    connections: connections && { scope: connections.scope, max: connections.value },
    upgrades: upgrades && { scope: upgrades.scope, perMinute: upgrades.value },
  };
}

function pick(name: string, own: number | undefined, inherited: number | undefined, pattern: string): { scope: string; value: number } | undefined {
  if (own !== undefined) return { scope: `route ${pattern}`, value: positive(name, own) };
  if (inherited !== undefined) return { scope: APP_SCOPE, value: positive(name, inherited) };
  return undefined;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Per-address counters for WebSocket upgrades of one app: open connections (taken before the
 * upgrade, given back when the connection closes or the upgrade fails) and a token bucket of
 * upgrade requests per minute. Addresses are counted exactly as the engine reports them (behind
 * a proxy that is the proxy's address).
 */
export class IpLimits {
  readonly #connections = new Map<string, Map<string, number>>();
  readonly #upgrades = new Map<string, Map<string, TokenBucket>>();
  #trackedUpgrades = 0;
  #prunedAt = performance.now();

  /**
   * Counts an upgrade request from `ip` and reserves a connection slot. Throws a 429
   * `KindlingError` with `Retry-After` when either limit is reached (nothing is reserved then).
   */
  acquire(limits: RouteIpLimits, ip: string, now: number = performance.now()): void {
    const { connections, upgrades } = limits;
    if (upgrades !== undefined) this.#takeUpgrade(upgrades.scope, upgrades.perMinute, ip, now);
    if (connections === undefined) return;
    const counts = this.#scope(this.#connections, connections.scope);
    const open = counts.get(ip) ?? 0;
    if (open >= connections.max) throw new TooManyConnectionsFromAddress(connections.max);
    counts.set(ip, open + 1);
  }

  /** Gives back the connection slot {@link acquire} reserved for `ip`. */
  release(limits: RouteIpLimits, ip: string): void {
    if (limits.connections === undefined) return;
    const counts = this.#connections.get(limits.connections.scope);
    const open = counts?.get(ip);
    if (counts === undefined || open === undefined) return;
    if (open <= 1) counts.delete(ip);
    else counts.set(ip, open - 1);
  }

  /** Open connections counted for `ip` in `scope` (`'app'` or `'route <pattern>'`). */
  connectionsOf(scope: string, ip: string): number {
    return this.#connections.get(scope)?.get(ip) ?? 0;
  }

  #takeUpgrade(scope: string, perMinute: number, ip: string, now: number): void {
    this.#prune(now);
    const buckets = this.#scope(this.#upgrades, scope);
    let bucket = buckets.get(ip);
    if (bucket === undefined) {
      bucket = new TokenBucket(perMinute, perMinute / MINUTE_MS, now);
      buckets.set(ip, bucket);
      this.#trackedUpgrades++;
    }
    if (bucket.tryTake(now)) return;
    throw new TooManyUpgradesFromAddress(perMinute, Math.max(1, Math.ceil(bucket.msUntilNext(now) / 1000)));
  }

  #prune(now: number): void {
    const every = this.#trackedUpgrades > BUSY_ADDRESSES ? PRUNE_BUSY_MS : PRUNE_EVERY_MS;
    if (now - this.#prunedAt < every) return;
    this.#prunedAt = now;
    for (const buckets of this.#upgrades.values()) {
      for (const [ip, bucket] of buckets) {
        if (!bucket.isFull(now)) continue;
        buckets.delete(ip);
        this.#trackedUpgrades--;
      }
    }
  }

  #scope<V>(maps: Map<string, Map<string, V>>, scope: string): Map<string, V> {
    let map = maps.get(scope);
    if (map === undefined) {
      map = new Map();
      maps.set(scope, map);
    }
    return map;
  }
}
