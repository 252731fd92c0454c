/** Where the app is in its life: serving, draining for shutdown, or closed. */
export type LifecyclePhase = 'idle' | 'listening' | 'draining' | 'closed';

/** Sees every answered HTTP request and upgrade (the metrics). */
export interface RequestObserver {
  /** An HTTP request finished; `route` is the pattern (`''` when none matched), status 0 when the client went away. */
  request(route: string, method: string, status: number, ms: number): void;
  /** An upgrade request was answered: 101, or the rejection's status. */
  upgrade(route: string, status: number, ms: number): void;
}

/**
 * Shared run state of one app: its phase and the number of HTTP requests and upgrades in
 * flight, so shutdown can wait for them.
 */
export class Lifecycle {
  phase: LifecyclePhase = 'idle';
  /** Set when metrics are on; the pipelines then time every request. */
  observer: RequestObserver | undefined = undefined;
  /** Paths still served while draining (metrics, health): a scrape or probe during shutdown gets an answer. */
  readonly servedWhileDraining = new Set<string>();
  #inFlight = 0;
  #idleWaiters: Array<() => void> = [];

  /** True once shutdown began: new requests get 503. */
  get draining(): boolean {
    return this.phase === 'draining' || this.phase === 'closed';
  }

  /** True when a request for `path` gets 503 because shutdown began. */
  refuses(path: string): boolean {
    return this.draining && !this.servedWhileDraining.has(path);
  }

  /** Requests and upgrades being processed right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  requestStarted(): void {
    this.#inFlight++;
  }

  requestFinished(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves when nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}
