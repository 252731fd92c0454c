/**
 * The one table of Kindling error codes. Each machine code maps to the HTTP status used
 * before an upgrade and the WebSocket close code used after it, so an error means the same
 * thing on both transports. See docs/errors.md.
 *
 * @example
 * ```ts
 * ERROR_CODES.UNAUTHORIZED; // { status: 401, closeCode: 4401, message: 'Unauthorized' }
 * ```
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, closeCode: 4400, message: 'Bad request' },
  MALFORMED_URI: { status: 400, closeCode: 4400, message: 'Malformed percent-encoding in the URL' },
  INVALID_JSON: { status: 400, closeCode: 1007, message: 'Invalid JSON' },
  INVALID_ENVELOPE: { status: 400, closeCode: 4400, message: 'Invalid event envelope' },
  INVALID_HANDSHAKE: { status: 400, closeCode: 4400, message: 'Invalid WebSocket handshake' },
  MISSING_HEADER: { status: 400, closeCode: 4400, message: 'A required header is missing' },
  MISSING_COOKIE: { status: 400, closeCode: 4400, message: 'A required cookie is missing' },
  UNAUTHORIZED: { status: 401, closeCode: 4401, message: 'Unauthorized' },
  FORBIDDEN: { status: 403, closeCode: 4403, message: 'Forbidden' },
  ORIGIN_NOT_ALLOWED: { status: 403, closeCode: 4403, message: 'Origin not allowed' },
  NOT_FOUND: { status: 404, closeCode: 4404, message: 'Not found' },
  UNKNOWN_EVENT: { status: 404, closeCode: 4404, message: 'Unknown event type' },
  METHOD_NOT_ALLOWED: { status: 405, closeCode: 4405, message: 'Method not allowed' },
  CONFLICT: { status: 409, closeCode: 4409, message: 'Conflict' },
  DUPLICATE_REQUEST_ID: { status: 409, closeCode: 4409, message: 'A request with this id is already in flight' },
  PAYLOAD_TOO_LARGE: { status: 413, closeCode: 1009, message: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, closeCode: 1003, message: 'Unsupported media type' },
  VALIDATION_FAILED: { status: 422, closeCode: 4422, message: 'Validation failed' },
  UPGRADE_REQUIRED: { status: 426, closeCode: 4426, message: 'Upgrade required' },
  RATE_LIMITED: { status: 429, closeCode: 1008, message: 'Rate limit exceeded' },
  HEADERS_TOO_LARGE: { status: 431, closeCode: 4431, message: 'Request headers too large' },
  QUEUE_OVERFLOW: { status: 503, closeCode: 1008, message: 'Inbound message queue overflow' },
  BATCH_OVERFLOW: { status: 503, closeCode: 1008, message: 'Batch buffer overflow' },
  TOO_MANY_ERRORS: { status: 400, closeCode: 1008, message: 'Too many consecutive invalid messages' },
  HEARTBEAT_TIMEOUT: { status: 408, closeCode: 1001, message: 'heartbeat timeout' },
  BACKPRESSURE_LIMIT: { status: 503, closeCode: 1008, message: 'Send backpressure limit exceeded' },
  INTERNAL: { status: 500, closeCode: 1011, message: 'Internal server error' },
  SHUTTING_DOWN: { status: 503, closeCode: 1001, message: 'Server shutting down' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** What one entry of {@link ERROR_CODES} says: HTTP status, close code, default message. */
export interface ErrorCodeInfo {
  readonly status: number;
  readonly closeCode: number;
  readonly message: string;
}

/** A machine-readable error code, e.g. `'UNAUTHORIZED'`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is one of the codes in {@link ERROR_CODES}. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
