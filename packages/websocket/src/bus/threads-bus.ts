import { BroadcastChannel } from 'node:worker_threads';
import type { BusLink, BusPayload, BusStats, TopicBus } from './topic-bus.js';

/** Options for {@link threadsBus}. */
export interface ThreadsBusOptions {
  /**
   * The `BroadcastChannel` name shared by the threads of one server. Two servers in one
   * process need different names.
   * @default 'kindling:topics'
   */
  channel?: string;
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
 * Nothing is lost between live threads; order is kept per publishing thread.
 *
 * @example
 * ```ts
 * import { App, Router } from '@kindling/core';
 * import { threadsBus } from '@kindling/websocket';
 * const app = new App(new Router(), { bus: threadsBus({ channel: 'my-server' }) });
 * ```
 */
export function threadsBus(options: ThreadsBusOptions = {}): TopicBus {
  return new ThreadsBus(options.channel ?? 'kindling:topics');
}

class ThreadsBus implements TopicBus {
  readonly kind = 'threads';
  readonly ready = READY;
  readonly #name: string;
  readonly #topics = new Set<string>();
  #channel: BroadcastChannel | undefined;
  #log: BusLink['log'] | undefined;
  #published = 0;
  #failed = 0;
  #received = 0;

  constructor(name: string) {
    this.#name = name;
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
    this.#channel?.close();
    this.#channel = undefined;
    return READY;
  }
}
