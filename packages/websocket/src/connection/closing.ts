import { CloseCode, type CloseInfo } from '../close-codes.js';

/**
 * A connection's close and drain bookkeeping: the close frame it is sending, the close timer,
 * and the promises of `ws.closed` and `ws.drain()`. Owned by {@link WebSocketConnection} and
 * made only once a close starts or someone waits for one, so an idle connection holds none.
 */
export class Closing {
  /** The close frame's code, once a close started. */
  code: number = CloseCode.NORMAL;
  /** The close frame's reason, once a close started. */
  reason = '';
  #timer: NodeJS.Timeout | undefined = undefined;
  #closed: Promise<CloseInfo> | undefined = undefined;
  #resolveClosed: ((info: CloseInfo) => void) | undefined = undefined;
  #drained: Promise<void> | undefined = undefined;
  #resolveDrained: (() => void) | undefined = undefined;

  /** Calls `onTimeout` unless the connection has closed within `timeoutMs`. */
  startTimer(timeoutMs: number, onTimeout: () => void): void {
    this.#timer = setTimeout(onTimeout, timeoutMs);
  }

  /** The promise of `ws.closed`: resolved with `info` when the connection already closed. */
  closed(info: CloseInfo | undefined): Promise<CloseInfo> {
    if (this.#closed !== undefined) return this.#closed;
    if (info !== undefined) return (this.#closed = Promise.resolve(info));
    return (this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve)));
  }

  /** The promise of `ws.drain()`, shared by every waiter until the buffer drains. */
  drained(): Promise<void> {
    return (this.#drained ??= new Promise((resolve) => (this.#resolveDrained = resolve)));
  }

  /** The send buffer drained (or never will): wake the `drain()` waiters. */
  resolveDrained(): void {
    const resolve = this.#resolveDrained;
    this.#drained = undefined;
    this.#resolveDrained = undefined;
    resolve?.();
  }

  /** The connection has closed: stop the timer, wake the drain waiters, resolve `ws.closed`. */
  settle(info: CloseInfo): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.resolveDrained();
    this.#resolveClosed?.(info);
  }
}
