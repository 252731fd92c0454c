import { createServer } from 'node:net';

/**
 * Why `app.listen()` could not bind, shaped like Node's own `listen` errors: `code`
 * (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`, `ENOTFOUND`...), `syscall: 'listen'`, `address`
 * (the host) and `port`. See docs/app.md#listening.
 *
 * @example
 * ```ts
 * try {
 *   await app.listen({ port: 3000 });
 * } catch (err) {
 *   if (err instanceof ListenError && err.code === 'EADDRINUSE') await app.listen({ port: 0 });
 *   else throw err;
 * }
 * ```
 */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  /** The system error code, or `'UNKNOWN'` when the engine did not say and a retry bound. */
  readonly code: string;
  readonly syscall = 'listen';
  /** The host that was asked for. */
  readonly address: string;
  readonly port: number;

  constructor(code: string, address: string, port: number, options?: ErrorOptions) {
    super(`Could not listen on ${address}:${port}: ${explain(code, port)} (${code})`, options);
    this.code = code;
    this.address = address;
    this.port = port;
  }
}

const EXPLANATIONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use; stop the other server or pick another port (0 picks a free one)',
  EADDRNOTAVAIL: "the address is not one of this machine's interfaces",
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ENOTSUP: 'reusePort needs Node 22.12 or later on the node engine',
};

function explain(code: string, port: number): string {
  if (code === 'EACCES') {
    return port < 1024 ? 'permission denied: ports below 1024 need privileges (CAP_NET_BIND_SERVICE)' : 'permission denied';
  }
  return EXPLANATIONS[code] ?? 'the engine gave no reason and the address was free when checked again';
}

/** The `ListenError` for an error Node's `listen` raised (the node engine). */
export function listenErrorFrom(err: unknown, address: string, port: number): ListenError {
  const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'UNKNOWN';
  return new ListenError(code, address, port, { cause: err });
}

/**
 * The `ListenError` for an engine that reports failure without a reason (uWS's listen gives
 * `false`): binds the same address once with node:net to learn the system error code.
 */
export async function probeListenError(address: string, port: number): Promise<ListenError> {
  const server = createServer();
  const failure = await new Promise<unknown>((resolve) => {
    server.once('error', resolve);
    server.listen({ host: address, port, exclusive: true }, () => resolve(undefined));
  });
  if (failure === undefined) await new Promise((resolve) => server.close(resolve));
  return failure === undefined ? new ListenError('UNKNOWN', address, port) : listenErrorFrom(failure, address, port);
}
