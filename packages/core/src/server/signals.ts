/** Something that can be shut down gracefully. */
export interface Stoppable {
  shutdown(options?: { timeoutMs?: number }): Promise<unknown>;
  readonly log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The least time the process gets to end by itself after shutdown finished. */
const EXIT_GRACE_MS = 1000;

/**
 * On SIGINT or SIGTERM, shuts the app down gracefully (connections, then `onClose` hooks) and
 * lets the process end by itself: no `process.exit()`, so anything the user still does after
 * the app closed (flushing a log, a last write) finishes. Only when something keeps the
 * process running past the shutdown deadline (at least 1 s after shutdown finished) does it
 * log what held it (`app.exit_forced`, with `process.getActiveResourcesInfo()`) and exit with
 * code 1. A second signal during shutdown exits at once with 128 + the signal number.
 * Returns a function that removes the handlers. See docs/shutdown.md.
 */
export function installSignalHandlers(app: Stoppable, timeoutMs: number): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + (SIGNAL_NUMBERS[signal] ?? 15);
    if (stopping) {
      app.log.error({ event: 'app.signal_exit', signal, code }, 'app.signal_exit');
      process.exit(code);
    }
    stopping = true;
    const deadline = performance.now() + timeoutMs;
    app.log.info({ event: 'app.signal', signal }, 'app.signal');
    app.shutdown({ timeoutMs }).then(
      () => watchExit(app, Math.max(deadline - performance.now(), EXIT_GRACE_MS)),
      (err: unknown) => {
        app.log.error({ event: 'app.shutdown_failed', err }, 'app.shutdown_failed');
        process.exit(code);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * An unref'd timer: it never keeps the process up itself, so it only fires when something else
 * does (a user's open socket, a forgotten interval).
 */
function watchExit(app: Stoppable, ms: number): void {
  setTimeout(() => {
    app.log.error({ event: 'app.exit_forced', waitedMs: ms, activeResources: process.getActiveResourcesInfo() }, 'app.exit_forced');
    process.exit(1);
  }, ms).unref();
}
