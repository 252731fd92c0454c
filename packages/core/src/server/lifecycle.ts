/** Where the app is in its life: serving, draining for shutdown, or closed. */
export type LifecyclePhase = 'idle' | 'listening' | 'draining' | 'closed';

/**
 * Shared run state of one app: its phase and the number of HTTP requests and upgrades in
 * flight, so shutdown can wait for them.
 */
export class Lifecycle {
  phase: LifecyclePhase = 'idle';
  #inFlight = 0;
  #idleWaiters: Array<() => void> = [];

  /** True once shutdown began: new requests get 503. */
  get draining(): boolean {
    return this.phase === 'draining' || this.phase === 'closed';
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
