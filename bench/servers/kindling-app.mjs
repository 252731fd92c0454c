// Shared by the Kindling bench servers: listen on 127.0.0.1 on the engine asked for, announce.
import { App } from '@kindling/core';
import { ready } from './ready.mjs';

/** Route options that switch on the per-connection policies measured by the memory group. */
export const POLICIES = {
  heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
  rateLimit: { messages: 100_000, perMs: 1_000 },
};

/**
 * Starts `router` on 127.0.0.1 at the port given on the command line and prints `READY <port>`.
 * The engine is `KINDLING_ENGINE` (`uws` when unset), forced: where native uWS cannot load the
 * server fails to start instead of measuring another engine.
 * @param {import('@kindling/core').Router} router
 * @param {import('@kindling/core').AppOptions} [options] more app options (e.g. `metrics`)
 * @returns {Promise<import('@kindling/core').App>} the listening app
 */
export async function serve(router, options = {}) {
  const engine = process.env.KINDLING_ENGINE === 'node' ? 'node' : 'uws';
  const app = new App(router, { ...options, logger: false, engine });
  const port = await app.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
  ready(port, () => app.shutdown({ timeoutMs: 1_000 }));
  return app;
}
