/**
 * Every client a test server opened (WebSockets, HTTP requests in flight), so closing the
 * server closes them too and a test run always exits by itself.
 */
export class ClientRegistry {
  readonly #closers = new Set<() => Promise<void>>();
  #closed = false;

  /** Registers how to close one client; returns the function that unregisters it. */
  add(close: () => Promise<void>): () => void {
    if (this.#closed) throw new Error('The test server is closed');
    this.#closers.add(close);
    return () => this.#closers.delete(close);
  }

  /** How many clients are still open. */
  get size(): number {
    return this.#closers.size;
  }

  /** Closes every client at once; refuses new ones from now on. */
  async closeAll(): Promise<void> {
    this.#closed = true;
    const closers = [...this.#closers];
    this.#closers.clear();
    await Promise.allSettled(closers.map((close) => close()));
  }
}
