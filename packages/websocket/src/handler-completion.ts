const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The end of a long-running connection handler as a thenable that never rejects: `await` it,
 * or call `then`, like a promise. The promise behind it is made only when someone waits, so
 * the `messageHandler` and `batchHandler` consumers, which live as long as their connection,
 * do not each hold a pending promise and its resolving functions (the hub waits for them
 * only during shutdown).
 */
export abstract class HandlerCompletion implements PromiseLike<void> {
  #promise: Promise<void> | undefined = undefined;
  #resolve: (() => void) | undefined = undefined;
  #completed = false;

  /** Like `Promise.prototype.then`; the callbacks run asynchronously, once complete. */
  // biome-ignore lint/suspicious/noThenProperty: a deliberate thenable, awaited like a promise.
  then<TResult1 = void, TResult2 = never>(
    onfulfilled?: ((value: void) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.#wait().then(onfulfilled, onrejected);
  }

  /** Settles the completion (once; later calls do nothing). */
  protected complete(): void {
    if (this.#completed) return;
    this.#completed = true;
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.();
  }

  #wait(): Promise<void> {
    if (this.#promise !== undefined) return this.#promise;
    if (this.#completed) return (this.#promise = RESOLVED);
    return (this.#promise = new Promise((resolve) => (this.#resolve = resolve)));
  }
}
