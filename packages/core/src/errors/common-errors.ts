import { KindlingError, type KindlingErrorOptions } from '@kindling/websocket';
import { callableWithoutNew } from './deprecated-names.js';

// The errors applications throw most, one class per code, each `new Name(message?, details?)`.
// Any other code: `new KindlingError(code, options)`. The rejections Kindling itself throws are
// in rejections.ts. See docs/errors.md.

function options(message: string | undefined, details: unknown): KindlingErrorOptions {
  return { ...(message === undefined ? {} : { message }), ...(details === undefined ? {} : { details }) };
}

const BadRequestClass = class BadRequest extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('BAD_REQUEST', options(message, details));
  }
};
/**
 * A 400 `BAD_REQUEST` (close 4400 after the upgrade).
 * @example
 * ```ts
 * if (!room) throw new BadRequest('room is required');
 * ```
 */
export const BadRequest = callableWithoutNew(BadRequestClass);
/** A 400 `BAD_REQUEST` error. */
export type BadRequest = InstanceType<typeof BadRequestClass>;

const UnauthorizedClass = class Unauthorized extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('UNAUTHORIZED', options(message, details));
  }
};
/**
 * A 401 `UNAUTHORIZED`: missing or bad credentials (close 4401 after the upgrade).
 * @example
 * ```ts
 * const Token = createExtractor('Token', (ctx) => {
 *   if (ctx.header('authorization') !== 'Bearer secret') throw new Unauthorized('Bad token');
 *   return 'secret';
 * });
 * ```
 */
export const Unauthorized = callableWithoutNew(UnauthorizedClass);
/** A 401 `UNAUTHORIZED` error. */
export type Unauthorized = InstanceType<typeof UnauthorizedClass>;

const ForbiddenClass = class Forbidden extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('FORBIDDEN', options(message, details));
  }
};
/**
 * A 403 `FORBIDDEN`: authenticated but not allowed (close 4403 after the upgrade).
 * @example
 * ```ts
 * throw new Forbidden('Not a member of this room', { room: 'lobby' });
 * ```
 */
export const Forbidden = callableWithoutNew(ForbiddenClass);
/** A 403 `FORBIDDEN` error. */
export type Forbidden = InstanceType<typeof ForbiddenClass>;

const NotFoundClass = class NotFound extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('NOT_FOUND', options(message, details));
  }
};
/**
 * A 404 `NOT_FOUND` (close 4404 after the upgrade).
 * @example
 * ```ts
 * throw new NotFound(`No room named "${name}"`);
 * ```
 */
export const NotFound = callableWithoutNew(NotFoundClass);
/** A 404 `NOT_FOUND` error. */
export type NotFound = InstanceType<typeof NotFoundClass>;

const ConflictClass = class Conflict extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('CONFLICT', options(message, details));
  }
};
/**
 * A 409 `CONFLICT` (close 4409 after the upgrade).
 * @example
 * ```ts
 * throw new Conflict('Name taken', { name: 'lobby' });
 * ```
 */
export const Conflict = callableWithoutNew(ConflictClass);
/** A 409 `CONFLICT` error. */
export type Conflict = InstanceType<typeof ConflictClass>;

const TooManyRequestsClass = class TooManyRequests extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('RATE_LIMITED', options(message, details));
  }
};
/**
 * A 429 `RATE_LIMITED` (close 1008 after the upgrade). For a `Retry-After` header use
 * `new KindlingError('RATE_LIMITED', { headers: { 'retry-after': '5' } })`.
 * @example
 * ```ts
 * throw new TooManyRequests('Slow down');
 * ```
 */
export const TooManyRequests = callableWithoutNew(TooManyRequestsClass);
/** A 429 `RATE_LIMITED` error. */
export type TooManyRequests = InstanceType<typeof TooManyRequestsClass>;

const InternalErrorClass = class InternalError extends KindlingError {
  constructor(message?: string, details?: unknown) {
    super('INTERNAL', options(message, details));
  }
};
/**
 * A 500 `INTERNAL` (close 1011 after the upgrade); its message is logged, never sent.
 * @example
 * ```ts
 * throw new InternalError(`database ${name} is not reachable`);
 * ```
 */
export const InternalError = callableWithoutNew(InternalErrorClass);
/** A 500 `INTERNAL` error. */
export type InternalError = InstanceType<typeof InternalErrorClass>;
