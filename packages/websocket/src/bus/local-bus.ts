import type { BusStats, TopicBus } from './topic-bus.js';

const READY = Promise.resolve();
const STATS: BusStats = Object.freeze({ kind: 'local', up: true, published: 0, failed: 0, possiblyLost: 0, received: 0, topics: 0 });

/**
 * The default bus: a node alone. Publishes reach this app's subscribers only (the engine's
 * own delivery) and nothing crosses to other threads or processes.
 *
 * @example
 * ```ts
 * import { App, Router } from '@kindling/core';
 * import { localBus } from '@kindling/websocket';
 * const app = new App(new Router(), { bus: localBus() }); // the same as giving no bus
 * ```
 */
export function localBus(): TopicBus {
  return {
    kind: 'local',
    ready: READY,
    start: () => READY,
    publish: () => undefined,
    subscribe: () => undefined,
    unsubscribe: () => undefined,
    stats: () => STATS,
    close: () => READY,
  };
}

/** Whether `bus` carries nothing (so the hub can skip tracking topics for it). */
export function isLocalBus(bus: TopicBus): boolean {
  return bus.kind === 'local';
}
