/** Something that can be shut down gracefully. */
export interface Stoppable {
  shutdown(): Promise<unknown>;
  readonly log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * On SIGINT or SIGTERM, shuts the app down gracefully, then exits the process. Exiting is part
 * of the deal: idle HTTP keep-alive sockets, which uWS v20.30 gives no way to close, would
 * otherwise hold the process for up to uWS's 10 s HTTP idle timeout. A second signal during
 * shutdown exits at once with 128 + the signal number. Returns a function that removes the
 * handlers.
 */
export function installSignalHandlers(app: Stoppable): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + (SIGNAL_NUMBERS[signal] ?? 15);
    if (stopping) process.exit(code);
    stopping = true;
    app.log.info({ event: 'app.signal', signal }, 'app.signal');
    app.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
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
