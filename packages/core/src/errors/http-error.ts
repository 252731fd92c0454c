import { KindlingError, type ErrorCode, type KindlingErrorOptions } from '@kindling/websocket';

/**
 * An error a handler, middleware or extractor throws to answer with a status and a JSON body
 * (`{ error: { code, message, details } }`) before an upgrade, or a close frame after it.
 * See docs/errors.md.
 *
 * @example
 * ```ts
 * throw new HttpError('FORBIDDEN', { message: 'Not a member of this room' });
 * throw Unauthorized('Token expired');
 * ```
 */
export class HttpError extends KindlingError {
  constructor(code: ErrorCode, options: KindlingErrorOptions = {}) {
    super(code, options);
  }
}

function factory(code: ErrorCode) {
  return (message?: string, details?: unknown): HttpError =>
    new HttpError(code, { ...(message === undefined ? {} : { message }), ...(details === undefined ? {} : { details }) });
}

/** A 400 `BAD_REQUEST` error. */
export const BadRequest = factory('BAD_REQUEST');
/** A 401 `UNAUTHORIZED` error (close 4401 after the upgrade). */
export const Unauthorized = factory('UNAUTHORIZED');
/** A 403 `FORBIDDEN` error (close 4403 after the upgrade). */
export const Forbidden = factory('FORBIDDEN');
/** A 404 `NOT_FOUND` error. */
export const NotFound = factory('NOT_FOUND');
/** A 409 `CONFLICT` error. */
export const Conflict = factory('CONFLICT');
/** A 429 `RATE_LIMITED` error (close 1008 after the upgrade). */
export const TooManyRequests = factory('RATE_LIMITED');
/** A 500 `INTERNAL` error; its message is logged, never sent. */
export const InternalError = factory('INTERNAL');
