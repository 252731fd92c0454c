import { CloseCode } from './close-codes.js';
import { kActivityCount, kBeginClose, kHeartbeat, kLogEvent } from './connection-internals.js';
import type { WebSocketConnection } from './connection.js';
import { ERROR_CODES } from './errors/error-codes.js';
import type { Sweeper, SweepTask } from './sweeper.js';
import { describeValue } from './received-value.js';

/**
 * Server pings (see docs/heartbeat.md): a connection that has sent nothing for `intervalMs` is
 * pinged; one that then stays silent (no pong, no message) for `timeoutMs` is closed with 1001
 * "heartbeat timeout" and logged as `ws.heartbeat_timeout`.
 *
 * @example
 * ```ts
 * const heartbeat: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 5_000 };
 * ```
 */
export interface HeartbeatOptions {
  /** Silence after which the server pings, in ms (10 or more). */
  intervalMs: number;
  /** How long a pinged connection may stay silent before it is closed, in ms (10 or more). */
  timeoutMs: number;
}

/** The heartbeat every connection gets unless its route or the app sets `heartbeat: false`. */
export const DEFAULT_HEARTBEAT: Readonly<HeartbeatOptions> = Object.freeze({ intervalMs: 30_000, timeoutMs: 10_000 });

const MIN_MS = 10;
const MAX_MS = 2 ** 31 - 1;

/** Validates `heartbeat`; `false` turns it off. Throws a `TypeError` naming the bad field. */
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
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_MS || value > MAX_MS) {
    throw new TypeError(`${name} must be an integer from ${MIN_MS} to ${MAX_MS}, got ${describeValue(value)}`);
  }
  return value;
}

/** Counts kept by a hub's heartbeats. */
export interface HeartbeatCounters {
  heartbeatPings: number;
  heartbeatTimeouts: number;
}

/** One connection's place in a wheel. */
class Entry {
  readonly conn: WebSocketConnection;
  readonly wheel: HeartbeatWheel;
  bucket: Set<Entry> | undefined = undefined;
  seen: number;
  awaitingPong = false;

  constructor(conn: WebSocketConnection, wheel: HeartbeatWheel) {
    this.conn = conn;
    this.wheel = wheel;
    this.seen = conn[kActivityCount];
  }
}

/**
 * The heartbeats of every connection with one `{ intervalMs, timeoutMs }`: a timing wheel of
 * buckets keyed by due time, swept by the hub's shared {@link Sweeper}. A sweep only touches
 * the connections that are due, so 100k idle connections cost one timer and a few hundred
 * checks per tick; a connection costs one small entry. Activity is read from the connection's
 * counter, so the message path only increments a number.
 */
class HeartbeatWheel implements SweepTask {
  readonly resolutionMs: number;
  readonly #options: Readonly<HeartbeatOptions>;
  readonly #owner: Heartbeats;
  readonly #buckets = new Map<number, Set<Entry>>();
  #size = 0;
  #swept = 0;

  constructor(options: Readonly<HeartbeatOptions>, owner: Heartbeats) {
    this.#options = options;
    this.#owner = owner;
    this.resolutionMs = Math.min(1000, Math.max(MIN_MS, Math.floor(Math.min(options.intervalMs, options.timeoutMs) / 4)));
  }

  get size(): number {
    return this.#size;
  }

  add(conn: WebSocketConnection, now: number): void {
    if (this.#size === 0) this.#swept = Math.floor(now / this.resolutionMs);
    const entry = new Entry(conn, this);
    conn[kHeartbeat] = entry;
    this.#schedule(entry, now + this.#options.intervalMs);
  }

  remove(entry: Entry): void {
    entry.conn[kHeartbeat] = undefined;
    if (entry.bucket === undefined) return;
    entry.bucket.delete(entry);
    entry.bucket = undefined;
    // Emptied buckets wait for their slot to be swept; with no entry left, drop them all now
    // and leave the sweeper (which stops its timer when nothing else needs it).
    if (--this.#size === 0) {
      this.#buckets.clear();
      this.#owner.idle(this);
    }
  }

  sweep(now: number): boolean {
    const current = Math.floor(now / this.resolutionMs);
    const from = this.#swept + 1;
    // Set first: entries rescheduled during this sweep go to later slots, never to one this
    // sweep has passed (or is about to pass) and would leave behind.
    this.#swept = current;
    if (current - from >= this.#buckets.size) {
      // Long gap (a blocked event loop): visit the buckets that exist rather than every slot.
      const due = [...this.#buckets.keys()].filter((slot) => slot <= current).sort((a, b) => a - b);
      for (const slot of due) this.#sweepSlot(slot, now);
    } else {
      for (let slot = from; slot <= current; slot++) this.#sweepSlot(slot, now);
    }
    if (this.#size === 0) this.#buckets.clear();
    return this.#size > 0;
  }

  #sweepSlot(slot: number, now: number): void {
    const bucket = this.#buckets.get(slot);
    if (bucket === undefined) return;
    this.#buckets.delete(slot);
    for (const entry of bucket) {
      entry.bucket = undefined;
      this.#size--;
      this.#check(entry, now);
    }
  }

  #check(entry: Entry, now: number): void {
    const conn = entry.conn;
    if (!conn.isOpen) {
      conn[kHeartbeat] = undefined;
      return;
    }
    const { intervalMs, timeoutMs } = this.#options;
    const count = conn[kActivityCount];
    if (count !== entry.seen) {
      entry.seen = count;
      // After a pong, count the next interval from the ping (about timeoutMs ago).
      const next = entry.awaitingPong ? now - timeoutMs + intervalMs : now + intervalMs;
      entry.awaitingPong = false;
      this.#schedule(entry, next);
      return;
    }
    if (!entry.awaitingPong) {
      if (conn.ping() === 'closed') {
        conn[kHeartbeat] = undefined;
        return;
      }
      this.#owner.counters.heartbeatPings++;
      entry.awaitingPong = true;
      this.#schedule(entry, now + timeoutMs);
      return;
    }
    conn[kHeartbeat] = undefined;
    this.#owner.counters.heartbeatTimeouts++;
    conn[kLogEvent]('info', { event: 'ws.heartbeat_timeout', intervalMs, timeoutMs });
    conn[kBeginClose](CloseCode.GOING_AWAY, ERROR_CODES.HEARTBEAT_TIMEOUT.message, conn.options.closeTimeoutMs);
  }

  /** Files the entry under the first slot that ends at or after `dueMs`, never the current one. */
  #schedule(entry: Entry, dueMs: number): void {
    const slot = Math.max(Math.ceil(dueMs / this.resolutionMs), this.#swept + 1);
    let bucket = this.#buckets.get(slot);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(slot, bucket);
    }
    bucket.add(entry);
    entry.bucket = bucket;
    this.#size++;
    this.#owner.wake(this);
  }
}

/**
 * The heartbeats of one hub: one wheel per distinct `{ intervalMs, timeoutMs }`, each a task
 * of the hub's {@link Sweeper}. No timer per connection.
 */
export class Heartbeats {
  readonly counters: HeartbeatCounters = { heartbeatPings: 0, heartbeatTimeouts: 0 };
  readonly #sweeper: Sweeper;
  readonly #wheels = new Map<string, HeartbeatWheel>();

  constructor(sweeper: Sweeper) {
    this.#sweeper = sweeper;
  }

  /** Connections being watched. */
  get size(): number {
    let size = 0;
    for (const wheel of this.#wheels.values()) size += wheel.size;
    return size;
  }

  /** Starts watching an open connection; `now` is on the sweeper's clock, `performance.now()`. */
  add(conn: WebSocketConnection, options: Readonly<HeartbeatOptions>, now: number = performance.now()): void {
    if (conn[kHeartbeat] !== undefined) return;
    const key = `${options.intervalMs}/${options.timeoutMs}`;
    let wheel = this.#wheels.get(key);
    if (wheel === undefined) {
      wheel = new HeartbeatWheel(options, this);
      this.#wheels.set(key, wheel);
    }
    wheel.add(conn, now);
  }

  /** Stops watching a connection (it closed). */
  remove(conn: WebSocketConnection): void {
    const entry = conn[kHeartbeat];
    if (entry instanceof Entry) entry.wheel.remove(entry);
  }

  /** Takes a wheel without entries off the sweeper. */
  idle(wheel: HeartbeatWheel): void {
    this.#sweeper.delete(wheel);
  }

  /** Makes sure the sweeper runs a wheel that has entries (it drops tasks that report none). */
  wake(wheel: HeartbeatWheel): void {
    if (!this.#sweeper.has(wheel)) this.#sweeper.add(wheel);
  }
}
