import type { Logger } from 'pino';
import type { Presence } from './presence.js';

/** A publish's payload as it crosses a bus: text stays a string (or its UTF-8 bytes), binary stays bytes. */
export type BusPayload = string | Uint8Array | ArrayBuffer;

/** What a bus needs from the node it serves. Given to {@link TopicBus.start}. */
export interface BusLink {
  /**
   * Delivers a publish that came from another thread or node to this node's local subscribers
   * of `topic` (all of them: the sender is elsewhere). Never forwarded back onto the bus.
   */
  deliver(topic: string, payload: BusPayload, isBinary: boolean): void;
  /** The app logger; buses log `bus.*` events through it. */
  readonly log: Logger;
}

/** Counts and state of a bus, in `app.metrics().bus`. See docs/scaling.md. */
export interface BusStats {
  /** `'local'`, `'threads'`, `'redis'`, ... */
  readonly kind: string;
  /** Whether remote publishes are being carried right now. Always true for the in-process bus. */
  readonly up: boolean;
  /** Publishes handed to the other threads/nodes. */
  readonly published: number;
  /** Publishes that could not be handed over (broker down, not yet re-subscribed, write error). Each is logged as `bus.publish_failed`. */
  readonly failed: number;
  /**
   * Publishes the broker accepted but that reached fewer nodes than were alive (PUBLISH's
   * receiver count below the live node count): some other node may have missed it.
   */
  readonly possiblyLost: number;
  /** Publishes received from other threads/nodes and delivered locally. */
  readonly received: number;
  /** Topics this node holds a broker subscription for (topics with local subscribers). */
  readonly topics: number;
}

/**
 * The port that carries publishes between threads or nodes. Local delivery never goes
 * through it: the engine delivers to this node's subscribers, the bus carries the publish to
 * the others, and each of them delivers to its own. A node calls {@link subscribe} when a
 * topic gets its first local subscriber and {@link unsubscribe} when its last one leaves, so a
 * bus holds one broker subscription per topic, never one per connection.
 *
 * Guarantee across threads/nodes: at most once, in order per publisher. See docs/scaling.md.
 *
 * @example
 * ```ts
 * import { App, Router } from '@kindling/core';
 * import { redisBus } from '@kindling/redis';
 * const app = new App(new Router(), { bus: redisBus({ url: 'redis://127.0.0.1:6379' }) });
 * ```
 */
export interface TopicBus {
  /** `'local'`, `'threads'`, `'redis'`, ... (shown in metrics and logs). */
  readonly kind: string;
  /**
   * Connects and resolves once publishes can be carried; rejects with a clear error when the
   * bus cannot come up (the app then does not listen). Called once, by `app.listen()`.
   */
  start(link: BusLink): Promise<void>;
  /**
   * Resolves when the bus is up: at once when it is, else when it next comes up (after
   * {@link start}, or after a broker outage once every topic is subscribed again).
   */
  readonly ready: Promise<void>;
  /**
   * Carries one publish to the other threads/nodes. Never throws and never waits: a publish
   * that cannot be carried now is counted as failed and logged, not queued.
   */
  publish(topic: string, payload: BusPayload, isBinary: boolean): void;
  /** `topic` got its first local subscriber. */
  subscribe(topic: string): void;
  /** `topic` lost its last local subscriber. */
  unsubscribe(topic: string): void;
  /** Counts and state (see {@link BusStats}). */
  stats(): BusStats;
  /** Presence across the bus's nodes; without it `app.presence` covers this app alone. */
  readonly presence?: Presence;
  /** Disconnects. Called by `app.shutdown()` after every connection closed. */
  close(): Promise<void>;
}
