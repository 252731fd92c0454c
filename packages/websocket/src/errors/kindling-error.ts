import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** The JSON body of every Kindling error, on HTTP and in WebSocket error envelopes. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; id?: string | number };
}

/** Options for {@link KindlingError}. */
export interface KindlingErrorOptions {
  /** Overrides the table's message. */
  message?: string;
  /** Structured detail sent to the client, e.g. validation failures. */
  details?: unknown;
  /** Overrides the table's HTTP status (e.g. 400 instead of 422 for query validation). */
  status?: number;
  /** Overrides the table's close code. */
  closeCode?: number;
  /** The underlying error, logged but never sent. */
  cause?: unknown;
  /** Extra response headers for the HTTP transport (e.g. `Retry-After`). */
  headers?: Record<string, string>;
}

/**
 * An error that knows how to present itself on both transports: as an HTTP status with a JSON
 * body before an upgrade, and as a close frame after it. `HttpError` in `@kindling/core`
 * extends it; the connection closes with {@link KindlingError.closeCode} when a handler throws one.
 *
 * @example
 * ```ts
 * throw new KindlingError('FORBIDDEN', { message: 'Not your room' });
 * ```
 */
export class KindlingError extends Error {
  /** The machine code from the error table. */
  readonly code: ErrorCode;
  /** HTTP status used before the upgrade. */
  readonly status: number;
  /** WebSocket close code used after the upgrade. */
  readonly closeCode: number;
  /** Structured detail sent to the client. */
  readonly details: unknown;
  /** Extra HTTP response headers. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, options: KindlingErrorOptions = {}) {
    const entry = ERROR_CODES[code];
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? entry.status;
    this.closeCode = options.closeCode ?? entry.closeCode;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** The client-facing JSON body: `{ error: { code, message, details } }`. */
  toJSON(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }

  /** The close frame for this error. The reason is the message, cut to fit a close frame. */
  toCloseFrame(): { code: number; reason: string } {
    return { code: this.closeCode, reason: this.message };
  }
}

/**
 * Turns anything thrown into a {@link KindlingError}. Unknown errors become `INTERNAL` with a
 * generic message: their text and stack are for the log, never for the client.
 */
export function toKindlingError(err: unknown): KindlingError {
  if (err instanceof KindlingError) return err;
  return new KindlingError('INTERNAL', { cause: err });
}
