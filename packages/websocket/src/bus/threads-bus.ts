import { BroadcastChannel } from 'node:worker_threads';
import { ThreadsPresence } from './threads-presence.js';
import type { BusLink, BusPayload, BusStats, TopicBus } from './topic-bus.js';

/** Options for {@link threadsBus}. */
export interface ThreadsBusOptions {
  /**
   * The `BroadcastChannel` name shared by the threads of one server. Two servers in one
   * process need different names.
   * @default 'kindling:topics'
   */
  channel?: string;
  /**
   * How long a presence `join` or `leave` waits for every other thread to apply it before it
   * resolves anyway (logged as `presence.unacknowledged`): the bound on a thread that is too
   * busy to answer. See docs/scaling.md.
   * @default 2000
   */
  presenceTimeoutMs?: number;
}

interface Envelope {
  readonly topic: string;
  readonly payload: string | Uint8Array;
  readonly isBinary: boolean;
}

const READY = Promise.resolve();

/**
 * A bus between the worker threads of one process, over a `BroadcastChannel`. `serve()`
 * wires it into every thread's app; give it yourself only when you start the threads.
 * Nothing is lost between live threads; order is kept per publishing thread. Comes with
 * presence across the threads (`app.presence`; node names `thread-<threadId>`); when you start
 * the threads yourself, call {@link announceThreadExit} when one ends.
 *
 * @example
 * ```ts
 * import { App, Router } from '@kindling/core';
 * import { threadsBus } from '@kindling/websocket';
 * const app = new App(new Router(), { bus: threadsBus({ channel: 'my-server' }) });
 * ```
 */
export function threadsBus(options: ThreadsBusOptions = {}): TopicBus {
  const timeoutMs = options.presenceTimeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2 ** 31 - 1)
    throw new TypeError(`threadsBus(): presenceTimeoutMs must be a whole number of milliseconds, got ${timeoutMs}`);
  return new ThreadsBus(options.channel ?? 'kindling:topics', timeoutMs);
}

class ThreadsBus implements TopicBus {
  readonly kind = 'threads';
  readonly ready = READY;
  readonly presence: ThreadsPresence;
  readonly #name: string;
  readonly #topics = new Set<string>();
  #channel: BroadcastChannel | undefined;
  #log: BusLink['log'] | undefined;
  #published = 0;
  #failed = 0;
  #received = 0;

  constructor(name: string, presenceTimeoutMs: number) {
    this.#name = name;
    this.presence = new ThreadsPresence(name, presenceTimeoutMs);
  }

  start(link: BusLink): Promise<void> {
    if (this.#channel !== undefined) return Promise.reject(new Error('threadsBus: already started (one bus per app)'));
    const channel = new BroadcastChannel(this.#name);
    channel.onmessage = (event) => {
      const { topic, payload, isBinary } = (event as { data: Envelope }).data;
      if (!this.#topics.has(topic)) return;
      this.#received++;
      link.deliver(topic, payload, isBinary);
    };
    channel.onmessageerror = (event) => link.log.warn({ event: 'bus.receive_failed', bus: 'threads', err: String(event) }, 'bus.receive_failed');
    // A channel that only listens must not keep a thread alive once its app has shut down.
    channel.unref();
    this.#channel = channel;
    this.#log = link.log;
    this.presence.start(link.log);
    return READY;
  }

  publish(topic: string, payload: BusPayload, isBinary: boolean): void {
    const channel = this.#channel;
    if (channel === undefined) {
      this.#failed++;
      this.#log?.warn({ event: 'bus.publish_failed', bus: 'threads', topic, err: 'bus closed' }, 'bus.publish_failed');
      return;
    }
    // postMessage copies the bytes now: a frame borrowed from the engine may not outlive this call.
    const envelope: Envelope = { topic, payload: payload instanceof ArrayBuffer ? new Uint8Array(payload) : payload, isBinary };
    channel.postMessage(envelope);
    this.#published++;
  }

  subscribe(topic: string): void {
    this.#topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.#topics.delete(topic);
  }

  stats(): BusStats {
    return {
      kind: this.kind,
      up: this.#channel !== undefined,
      published: this.#published,
      failed: this.#failed,
      possiblyLost: 0,
      received: this.#received,
      topics: this.#topics.size,
    };
  }

  close(): Promise<void> {
    this.presence.close();
    this.#channel?.close();
    this.#channel = undefined;
    return READY;
  }
}
