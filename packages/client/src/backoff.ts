/** How the client waits between connection attempts. Every field has a default. */
export interface ReconnectOptions {
  /** The first step of the backoff. @default 500 */
  baseMs?: number;
  /** The longest step: the backoff stops growing here. @default 30_000 */
  capMs?: number;
  /**
   * A connection that stayed open this long counts as a success: the attempt count starts
   * again from 0 when it closes. Shorter ones keep growing the backoff, so a server that
   * accepts and at once closes is not hammered. @default 5_000
   */
  minUptimeMs?: number;
  /** After a close with 1013 (try again later), the next attempt waits between this and twice this. @default 5_000 */
  retryLaterMs?: number;
  /**
   * Whether a close with this code is worth retrying. The default stops on 1000 (the server
   * ended the session normally) and on 4400-4499 (Kindling's close codes for 4xx errors:
   * bad input, 401, 403, 409, 422, ...: the same attempt would fail the same way), and
   * retries everything else: 1001 (going away), 1006 (lost), 1008 (a policy such as a rate or
   * queue limit), 1011, 1012, 1013 and the rest. @default {@link retryableClose}
   */
  shouldRetry?: (code: number, reason: string) => boolean;
}

/**
 * The default {@link ReconnectOptions.shouldRetry}: every close code but 1000 and 4400-4499.
 *
 * @example
 * ```ts
 * import { createClient, retryableClose } from '@kindling/client';
 *
 * // Also give up on 4000, an application's own "kicked out" code.
 * const client = createClient('ws://127.0.0.1:3000/ws', { reconnect: { shouldRetry: (code, reason) => code !== 4000 && retryableClose(code, reason) } });
 * client.close();
 * ```
 */
export function retryableClose(code: number, _reason: string): boolean {
  return code !== 1000 && (code < 4400 || code > 4499);
}

/**
 * The full-jitter exponential backoff: a uniformly random delay between 0 and
 * `min(capMs, baseMs * 2^attempt)`, so clients cut off together (a server restart) come back
 * spread over the whole window instead of in waves.
 *
 * @example
 * ```ts
 * import { backoffDelay } from '@kindling/client';
 *
 * backoffDelay(3, 500, 30_000); // somewhere in [0, 4000)
 * ```
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)));
}
