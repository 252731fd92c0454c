import type { Logger } from '../logger.js';

/** A cleanup function registered with `app.onClose()`. */
export type CloseHook = () => unknown;

/**
 * The `app.onClose()` hooks: run once, after every connection closed, in reverse order of
 * registration (the last resource opened is closed first), each until it settles or the
 * shutdown deadline passes. An error or a timeout is logged, never thrown: one failing hook
 * does not keep the next from running. See docs/shutdown.md.
 */
export class CloseHooks {
  readonly #hooks: CloseHook[] = [];

  add(hook: CloseHook): void {
    if (typeof hook !== 'function') throw new TypeError('app.onClose(fn): fn must be a function');
    this.#hooks.push(hook);
  }

  /** Runs every hook, newest first. Once the deadline has passed, the hooks left are still called but not awaited. */
  async run(deadline: number, log: Logger): Promise<void> {
    const hooks = this.#hooks.splice(0).reverse();
    for (const [i, hook] of hooks.entries()) {
      const index = hooks.length - 1 - i;
      const name = hook.name || `#${index}`;
      let result: unknown;
      try {
        result = hook();
      } catch (err) {
        log.error({ event: 'app.on_close_error', hook: name, err }, 'app.on_close_error');
        continue;
      }
      if (!isThenable(result)) continue;
      const outcome = await settleBy(Promise.resolve(result), deadline);
      if (outcome.kind === 'rejected') log.error({ event: 'app.on_close_error', hook: name, err: outcome.err }, 'app.on_close_error');
      else if (outcome.kind === 'timeout') log.error({ event: 'app.on_close_timeout', hook: name }, 'app.on_close_timeout');
    }
  }
}

type Outcome = { kind: 'fulfilled' } | { kind: 'rejected'; err: unknown } | { kind: 'timeout' };

/**
 * Waits for `promise` until `deadline`. The timer is not unref'd on purpose: a hook awaiting
 * something that holds no handle (a promise nobody resolves) still gets its time.
 */
function settleBy(promise: Promise<unknown>, deadline: number): Promise<Outcome> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) {
    // Past the deadline: give it no time, but do not leave a rejection unhandled.
    promise.catch(() => undefined);
    return Promise.resolve({ kind: 'timeout' });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), remaining);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve({ kind: 'fulfilled' });
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'rejected', err });
      },
    );
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
