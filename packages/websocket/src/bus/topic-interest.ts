import type { TopicBus } from './topic-bus.js';

/**
 * Which topics this node has local subscribers for, reference-counted over connections: the
 * bus is told when a topic gets its first subscriber and when its last one leaves (or closes),
 * so it holds one broker subscription per topic however many connections share it.
 */
export class TopicInterest {
  readonly #bus: TopicBus;
  readonly #subscribers = new Map<string, number>();
  readonly #topicsOf = new Map<object, Set<string>>();

  constructor(bus: TopicBus) {
    this.#bus = bus;
  }

  /** Topics with at least one local subscriber. */
  get size(): number {
    return this.#subscribers.size;
  }

  /** `conn` subscribed to `topic` (a repeat is ignored). */
  add(conn: object, topic: string): void {
    let topics = this.#topicsOf.get(conn);
    if (topics === undefined) this.#topicsOf.set(conn, (topics = new Set()));
    if (topics.has(topic)) return;
    topics.add(topic);
    const count = (this.#subscribers.get(topic) ?? 0) + 1;
    this.#subscribers.set(topic, count);
    if (count === 1) this.#bus.subscribe(topic);
  }

  /** `conn` unsubscribed from `topic` (ignored if it was not subscribed). */
  remove(conn: object, topic: string): void {
    const topics = this.#topicsOf.get(conn);
    if (topics === undefined || !topics.delete(topic)) return;
    if (topics.size === 0) this.#topicsOf.delete(conn);
    this.#release(topic);
  }

  /** `conn` closed: it leaves every topic it was subscribed to. */
  drop(conn: object): void {
    const topics = this.#topicsOf.get(conn);
    if (topics === undefined) return;
    this.#topicsOf.delete(conn);
    for (const topic of topics) this.#release(topic);
  }

  #release(topic: string): void {
    const count = (this.#subscribers.get(topic) ?? 0) - 1;
    if (count > 0) {
      this.#subscribers.set(topic, count);
      return;
    }
    this.#subscribers.delete(topic);
    this.#bus.unsubscribe(topic);
  }
}
