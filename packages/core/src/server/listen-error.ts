/**
 * A failed `listen()`: `code` is the system's (`EADDRINUSE`, `EACCES`, ...) when known, and the
 * message names the address.
 *
 * @example
 * ```ts
 * try {
 *   await app.listen({ port: 3000 });
 * } catch (err) {
 *   if (err instanceof ListenError && err.code === 'EADDRINUSE') console.error(`${err.host}:${err.port} is taken`);
 * }
 * ```
 */
export class ListenError extends Error {
  /** The system error code, or `'ELISTEN'` when the engine did not say. */
  readonly code: string;
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, code: string | undefined, cause?: unknown) {
    const why = code === 'EADDRINUSE' ? 'address in use' : code === 'EACCES' ? 'permission denied' : code !== undefined ? code : 'address in use or not permitted';
    super(`Could not listen on ${host}:${port} (${why})`, cause === undefined ? undefined : { cause });
    this.name = 'ListenError';
    this.code = code ?? 'ELISTEN';
    this.host = host;
    this.port = port;
  }
}
