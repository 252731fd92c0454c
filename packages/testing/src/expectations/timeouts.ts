/**
 * How long an expectation waits before it fails, in milliseconds.
 * @default 2000
 */
export const DEFAULT_TIMEOUT_MS = 2000;

/** Per-call options every waiting expectation accepts. */
export interface ExpectOptions {
  /**
   * How long to wait before failing. Overrides the socket's, request's or server's default.
   * @default 2000 (or the `timeoutMs` given to `TestServer.start` / `testHandler`)
   */
  timeoutMs?: number;
}

/** The timeout to use: `given` when set, else `fallback`. Rejects values that cannot work. */
export function resolveTimeout(given: number | undefined, fallback: number): number {
  const ms = given ?? fallback;
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`timeoutMs must be a finite number ≥ 0, got ${String(ms)}`);
  return ms;
}

/** Resolves after `ms`. The timer keeps the process alive: a test is waiting on it. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
