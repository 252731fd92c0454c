/** The value `recvTimeout()` resolves with when the time ran out before a message arrived. */
export const TIMEOUT: unique symbol = Symbol('kindling.recvTimeout');

const INITIAL_SLOTS = 8;

type Resolver = (value: unknown) => void;

const BARE = 0;
const ITERATOR = 1;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator result for `value`. With its keys in this order the object gets the engine's
 * built-in iterator-result shape (`done` first would not), and resolving a promise with an
 * object of that shape skips the look-up of a `then` method that any other object costs.
 */
function yieldResult<T>(value: T): IteratorYieldResult<T> {
  return { value, done: false };
}

interface Waiting {
  readonly resolve: Resolver;
  readonly kind: number;
}

/**
 * A bounded FIFO of received messages with async readers, one per connection. Items are
 * handed straight to a waiting reader when there is one; otherwise they wait in a ring buffer
 * that starts small and doubles up to `capacity`, so idle connections hold only a few slots.
 * After `close()` readers get what is still queued, then `null` (or `done`).
 */
export class Inbox<T> {
  // `new Promise(executor)` needs a function; one shared executor files the resolver with the
  // inbox that is waiting right now (set just before), so a wait allocates only its promise.
  static #waiting: Inbox<unknown> | undefined;
  static #waitingKind = BARE;
  static readonly #capture = (resolve: Resolver): void => {
    const inbox = Inbox.#waiting as Inbox<unknown>;
    Inbox.#waiting = undefined;
    inbox.#enqueue(resolve, Inbox.#waitingKind);
  };

  readonly capacity: number;
  readonly #onQueued: ((item: T) => void) | undefined;
  // Allocated on first queued item: a reader that keeps up never needs the ring.
  #slots: (T | undefined)[] | undefined = undefined;
  #head = 0;
  #size = 0;
  // The first waiting reader (one at a time is the rule: `for await`, or `recv()` in a loop) and,
  // rarely, the readers waiting behind it.
  #waiter: Resolver | undefined = undefined;
  #waiterKind = BARE;
  #more: Waiting[] | undefined = undefined;
  // Only `nextWithin` readers have a timer.
  #timers: Map<Resolver, NodeJS.Timeout> | undefined = undefined;
  #closed = false;

  /**
   * @param capacity the most items that wait at once (items handed to a waiting reader do not count)
   * @param onQueued called with an item that has to wait for a reader, e.g. to store it compactly
   */
  constructor(capacity: number, onQueued?: (item: T) => void) {
    this.capacity = capacity;
    this.#onQueued = onQueued;
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
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      const kind = this.#waiterKind;
      this.#nextWaiter();
      if (this.#timers !== undefined) this.#clearTimer(waiter);
      waiter(kind === ITERATOR ? yieldResult(item) : item);
      return true;
    }
    if (this.#size >= this.capacity) return false;
    let slots = this.#slots;
    if (slots === undefined || this.#size === slots.length) slots = this.#grow();
    slots[(this.#head + this.#size) & (slots.length - 1)] = item;
    this.#size++;
    this.#onQueued?.(item);
    return true;
  }

  /** Resolves with the next item, or `null` once closed and empty. */
  next(): Promise<T | null> {
    if (this.#size > 0) return Promise.resolve(this.#shift());
    if (this.#closed) return Promise.resolve(null);
    return this.#wait(BARE) as Promise<T | null>;
  }

  /** Like `next()` as an iterator result, for `for await`. */
  nextResult(): Promise<IteratorResult<T, undefined>> {
    if (this.#size > 0) return Promise.resolve(yieldResult(this.#shift()));
    if (this.#closed) return Promise.resolve(DONE);
    return this.#wait(ITERATOR) as Promise<IteratorResult<T, undefined>>;
  }

  /** Like `next()`, but resolves with {@link TIMEOUT} when nothing arrives within `ms`. */
  nextWithin(ms: number): Promise<T | null | typeof TIMEOUT> {
    if (this.#size > 0) return Promise.resolve(this.#shift());
    if (this.#closed) return Promise.resolve(null);
    const promise = this.#wait(BARE) as Promise<T | null | typeof TIMEOUT>;
    const resolve = this.#lastWaiter();
    const timer = setTimeout(() => {
      this.#timers?.delete(resolve);
      if (this.#removeWaiter(resolve)) resolve(TIMEOUT);
    }, ms);
    (this.#timers ??= new Map()).set(resolve, timer);
    return promise;
  }

  /** Stops accepting items and ends every waiting reader with `null` / `done`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#waiter !== undefined) {
      const resolve = this.#waiter;
      const kind = this.#waiterKind;
      this.#nextWaiter();
      if (this.#timers !== undefined) this.#clearTimer(resolve);
      resolve(kind === ITERATOR ? DONE : null);
    }
  }

  #wait(kind: number): Promise<unknown> {
    Inbox.#waiting = this as Inbox<unknown>;
    Inbox.#waitingKind = kind;
    return new Promise(Inbox.#capture);
  }

  #enqueue(resolve: Resolver, kind: number): void {
    if (this.#waiter === undefined) {
      this.#waiter = resolve;
      this.#waiterKind = kind;
    } else {
      (this.#more ??= []).push({ resolve, kind });
    }
  }

  /** Drops the first waiter; the next one in line (if any) takes its place. */
  #nextWaiter(): void {
    const more = this.#more;
    const next = more === undefined || more.length === 0 ? undefined : more.shift();
    this.#waiter = next?.resolve;
    this.#waiterKind = next?.kind ?? BARE;
  }

  #lastWaiter(): Resolver {
    const more = this.#more;
    return more !== undefined && more.length > 0 ? (more[more.length - 1] as Waiting).resolve : (this.#waiter as Resolver);
  }

  #removeWaiter(resolve: Resolver): boolean {
    if (this.#waiter === resolve) {
      this.#nextWaiter();
      return true;
    }
    const index = this.#more?.findIndex((w) => w.resolve === resolve) ?? -1;
    if (index === -1) return false;
    this.#more?.splice(index, 1);
    return true;
  }

  #clearTimer(resolve: Resolver): void {
    const timer = this.#timers?.get(resolve);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers?.delete(resolve);
  }

  #shift(): T {
    const slots = this.#slots as (T | undefined)[];
    const item = slots[this.#head] as T;
    slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & (slots.length - 1);
    this.#size--;
    return item;
  }

  #grow(): (T | undefined)[] {
    const old = this.#slots;
    const next = new Array<T | undefined>(old === undefined ? INITIAL_SLOTS : old.length * 2);
    if (old !== undefined) for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#slots = next;
    this.#head = 0;
    return next;
  }
}
