import { availableParallelism } from 'node:os';
import type { LoggerSetting } from '../logger.js';

/** Options for {@link serve}. See docs/scaling.md. */
export interface ServeOptions {
  /** Worker threads, one app each. @default os.availableParallelism() */
  threads?: number;
  /** The port every thread listens on (SO_REUSEPORT); 0 picks one free port for all. @default 3000 */
  port?: number;
  /** @default '0.0.0.0' */
  host?: string;
  /** Shut every thread down on SIGINT/SIGTERM, then let the process end. @default true */
  handleSignals?: boolean;
  /** Budget of each thread's `app.shutdown()`. @default 10000 */
  shutdownTimeoutMs?: number;
  /** How long a thread may take to create its app and listen. @default 30000 */
  startTimeoutMs?: number;
  /** The main thread's logger (`serve.*` events); each app keeps its own. @default `{ level: 'info' }` */
  logger?: LoggerSetting;
  /**
   * How long a presence `join`/`leave` waits for every other thread to apply it before it
   * resolves anyway (logged as `presence.unacknowledged`). See docs/scaling.md.
   * @default 2000
   */
  presenceTimeoutMs?: number;
}

/** {@link ServeOptions} with defaults filled in. */
export interface ResolvedServeOptions {
  readonly threads: number;
  readonly port: number;
  readonly host: string;
  readonly handleSignals: boolean;
  readonly shutdownTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly logger: LoggerSetting | undefined;
  readonly presenceTimeoutMs: number;
}

/** Fills in defaults and checks every option (TypeError). */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new TypeError(`serve(): threads must be a whole number from 1 to 256, got ${threads}`);
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`serve(): port must be from 0 to 65535, got ${port}`);
  return {
    threads,
    port,
    host: options.host ?? '0.0.0.0',
    handleSignals: options.handleSignals ?? true,
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs, 10_000),
    startTimeoutMs: positive('startTimeoutMs', options.startTimeoutMs, 30_000),
    logger: options.logger,
    presenceTimeoutMs: positive('presenceTimeoutMs', options.presenceTimeoutMs, 2000),
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > 2 ** 31 - 1)
    throw new TypeError(`serve(): ${name} must be a whole number of milliseconds, got ${value}`);
  return value;
}
