import { CloseCode } from './close-codes.js';
import { kActivityCount, kBeginClose, kHeartbeat, kLogEvent } from './connection/connection-symbols.js';
import type { LogFields, LogLevel } from './connection/log-event.js';
import { ERROR_CODES } from './errors/error-codes.js';
import { MIN_HEARTBEAT_MS, type HeartbeatOptions } from './heartbeat-options.js';
import type { SendResult } from './send-result.js';
import type { Sweeper, SweepTask } from './sweeper.js';

/**
 * What a heartbeat needs of its connection (a `WebSocketConnection` is one): whether it is
 * open, its activity count, a ping, a place for the heartbeat's bookkeeping, and a way to log
 * and close.
 */
export interface HeartbeatTarget {
  readonly isOpen: boolean;
  readonly options: { readonly closeTimeoutMs: number };
  ping(): SendResult;
  readonly [kActivityCount]: number;
  [kHeartbeat]: unknown;
  [kLogEvent](level: LogLevel, fields: LogFields): void;
  [kBeginClose](code: number, reason: string, timeoutMs: number | undefined): void;
}

/** Counts kept by a hub's heartbeats. */
export interface HeartbeatCounters {
  heartbeatPings: number;
  heartbeatTimeouts: number;
}

/** One connection's place in a wheel. */
class Entry {
  readonly conn: HeartbeatTarget;
  readonly wheel: HeartbeatWheel;
  bucket: Set<Entry> | undefined = undefined;
  seen: number;
  awaitingPong = false;

  constructor(conn: HeartbeatTarget, wheel: HeartbeatWheel) {
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
    this.resolutionMs = Math.min(1000, Math.max(MIN_HEARTBEAT_MS, Math.floor(Math.min(options.intervalMs, options.timeoutMs) / 4)));
  }

  get size(): number {
    return this.#size;
  }

  add(conn: HeartbeatTarget, now: number): void {
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
  // The same wheels by options object: a route's connections share one, so finding their wheel
  // needs no key string made and hashed per connection.
  readonly #byOptions = new WeakMap<Readonly<HeartbeatOptions>, HeartbeatWheel>();

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
  add(conn: HeartbeatTarget, options: Readonly<HeartbeatOptions>, now: number = performance.now()): void {
    if (conn[kHeartbeat] !== undefined) return;
    (this.#byOptions.get(options) ?? this.#wheelFor(options)).add(conn, now);
  }

  /** The wheel of these timings, made on first use. */
  #wheelFor(options: Readonly<HeartbeatOptions>): HeartbeatWheel {
    const key = `${options.intervalMs}/${options.timeoutMs}`;
    let wheel = this.#wheels.get(key);
    if (wheel === undefined) {
      wheel = new HeartbeatWheel(options, this);
      this.#wheels.set(key, wheel);
    }
    this.#byOptions.set(options, wheel);
    return wheel;
  }

  /** Stops watching a connection (it closed). */
  remove(conn: HeartbeatTarget): void {
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
