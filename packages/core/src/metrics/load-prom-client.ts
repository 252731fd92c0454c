/** The prom-client module, loaded only when metrics are on. */
export type PromClient = typeof import('prom-client');

/**
 * Imports prom-client, the optional peer dependency behind `metrics`. A missing package is a
 * start-up error that names it and says how to install it.
 */
export async function loadPromClient(): Promise<PromClient> {
  try {
    return await import('prom-client');
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error("metrics is on, but the optional peer dependency 'prom-client' is not installed: run `npm install prom-client`, or turn metrics off", {
        cause: err,
      });
    }
    throw err;
  }
}
