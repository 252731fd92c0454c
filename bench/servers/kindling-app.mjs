// Shared by the Kindling bench servers: listen on 127.0.0.1, refuse a non-native engine, announce.
import { App } from '@kindling/core';
import { ready } from './ready.mjs';

/** Route options that switch on the per-connection policies measured by the memory group. */
export const POLICIES = {
  heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
  rateLimit: { messages: 100_000, perMs: 1_000 },
};

/**
 * Starts `router` on 127.0.0.1 at the port given on the command line and prints `READY <port>`.
 * Exits with an error when uWS fell back to its slow emulation: its figures would mean nothing.
 * @param {import('@kindling/core').Router} router
 * @returns {Promise<import('@kindling/core').App>} the listening app
 */
export async function serve(router) {
  const app = new App(router, { logger: false });
  if (app.engine !== undefined && app.engine !== 'uws-native') {
    console.error(`kindling: engine is ${app.engine}, not the native uWS binding`);
    process.exit(1);
  }
  const port = await app.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
  ready(port, () => app.shutdown({ timeoutMs: 1_000 }));
  return app;
}
