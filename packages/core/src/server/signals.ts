/** Something that can be shut down gracefully. */
export interface Stoppable {
  shutdown(): Promise<unknown>;
  readonly log: { info(obj: object, msg: string): void };
}

/**
 * On SIGINT or SIGTERM, shuts the app down gracefully once; a second signal exits at once.
 * Returns a function that removes the handlers.
 */
export function installSignalHandlers(app: Stoppable): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    app.log.info({ event: 'app.signal', signal }, 'app.signal');
    void app.shutdown().then(() => {
      process.exitCode ??= 0;
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
