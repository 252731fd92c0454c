// Shared by every bench server: announce the port, and stop cleanly on SIGTERM/SIGINT.

/**
 * Prints `READY <port>` (the line the runner waits for) and installs signal handlers.
 * @param {number} port the port actually bound
 * @param {() => unknown} close stops listening; the process exits right after
 */
export function ready(port, close) {
  process.stdout.write(`READY ${port}\n`);
  const stop = async () => {
    try {
      await close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
