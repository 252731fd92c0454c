/** The value `recvTimeout()` resolves with when the time ran out before a message arrived. */
export const TIMEOUT: unique symbol = Symbol('kindling.recvTimeout');

const INITIAL_SLOTS = 8;

type Resolver = (value: unknown) => void;

const BARE = 0;
const ITERATOR = 1;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A bounded FIFO of received messages with async readers, one per connection. Items are
 * handed straight to a waiting reader when there is one; otherwise they wait in a ring buffer
 * that starts small and doubles up to `capacity`, so idle connections hold only a few slots.
 * After `close()` readers get what is still queued, then `null` (or `done`).
 */
export class Inbox<T> {
  readonly capacity: number;
  // Allocated on first queued item: a reader that keeps up never needs the ring.
  #slots: (T | undefined)[] = [];
  #head = 0;
  #size = 0;
  // Waiting readers as parallel arrays (resolver, kind), so a wait allocates only its promise.
  #resolvers: Resolver[] = [];
  #kinds: number[] = [];
  // Only `nextWithin` readers have a timer.
  #timers: Map<Resolver, NodeJS.Timeout> | undefined;
  #waitKind = BARE;
  readonly #capture = (resolve: Resolver): void => {
    this.#resolvers.push(resolve);
    this.#kinds.push(this.#waitKind);
  };
  #closed = false;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Items waiting to be read. */
  get size(): number {
    return this.#size;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Delivers an item. Returns false, keeping nothing, when the queue is full or closed. */
  push(item: T): boolean {
    if (this.#closed) return false;
    if (this.#resolvers.length !== 0) {
      const resolve = this.#resolvers.shift() as Resolver;
      const kind = this.#kinds.shift();
      if (this.#timers !== undefined) this.#clearTimer(resolve);
      resolve(kind === ITERATOR ? { done: false, value: item } : item);
      return true;
    }
    if (this.#size >= this.capacity) return false;
    if (this.#size === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#size) & (this.#slots.length - 1)] = item;
    this.#size++;
    return true;
  }

  /** Resolves with the next item, or `null` once closed and empty. */
  next(): Promise<T | null> {
    if (this.#size > 0) return Promise.resolve(this.#shift());
    if (this.#closed) return Promise.resolve(null);
    this.#waitKind = BARE;
    return new Promise(this.#capture) as Promise<T | null>;
  }

  /** Like `next()` as an iterator result, for `for await`. */
  nextResult(): Promise<IteratorResult<T, undefined>> {
    if (this.#size > 0) return Promise.resolve({ done: false, value: this.#shift() });
    if (this.#closed) return Promise.resolve(DONE);
    this.#waitKind = ITERATOR;
    return new Promise(this.#capture) as Promise<IteratorResult<T, undefined>>;
  }

  /** Like `next()`, but resolves with {@link TIMEOUT} when nothing arrives within `ms`. */
  nextWithin(ms: number): Promise<T | null | typeof TIMEOUT> {
    if (this.#size > 0) return Promise.resolve(this.#shift());
    if (this.#closed) return Promise.resolve(null);
    this.#waitKind = BARE;
    const promise = new Promise(this.#capture) as Promise<T | null | typeof TIMEOUT>;
    const resolve = this.#resolvers[this.#resolvers.length - 1] as Resolver;
    const timer = setTimeout(() => {
      this.#timers?.delete(resolve);
      const index = this.#resolvers.indexOf(resolve);
      if (index === -1) return;
      this.#resolvers.splice(index, 1);
      this.#kinds.splice(index, 1);
      resolve(TIMEOUT);
    }, ms);
    (this.#timers ??= new Map()).set(resolve, timer);
    return promise;
  }

  /** Stops accepting items and ends every waiting reader with `null` / `done`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const resolvers = this.#resolvers;
    const kinds = this.#kinds;
    this.#resolvers = [];
    this.#kinds = [];
    for (let i = 0; i < resolvers.length; i++) {
      const resolve = resolvers[i] as Resolver;
      if (this.#timers !== undefined) this.#clearTimer(resolve);
      resolve(kinds[i] === ITERATOR ? DONE : null);
    }
  }

  #clearTimer(resolve: Resolver): void {
    const timer = this.#timers?.get(resolve);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers?.delete(resolve);
  }

  #shift(): T {
    const item = this.#slots[this.#head] as T;
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#slots.length - 1);
    this.#size--;
    return item;
  }

  #grow(): void {
    const next = new Array<T | undefined>(Math.max(INITIAL_SLOTS, this.#slots.length * 2));
    for (let i = 0; i < this.#size; i++) next[i] = this.#slots[(this.#head + i) & (this.#slots.length - 1)];
    this.#slots = next;
    this.#head = 0;
  }
}
