import { ERROR_CODES, toKindlingError } from '@kindling/websocket';
import type { Logger } from 'pino';
import { Response } from './response.js';

/**
 * Turns anything thrown before or during a handler into the response the client sees. Known
 * errors keep their status, code, message, details and headers; anything else is a 500 whose
 * text and stack go only to the log.
 */
export function errorToResponse(err: unknown, log: Logger): Response {
  const error = toKindlingError(err);
  if (error.code === 'INTERNAL') {
    log.error({ err: error.cause ?? error }, 'unhandled error in request');
    return withHeaders(Response.json({ error: { code: 'INTERNAL', message: ERROR_CODES.INTERNAL.message } }, error.status), error.headers);
  }
  return withHeaders(Response.json(error.toJSON(), error.status), error.headers);
}

function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  for (const [name, value] of Object.entries(headers)) response.header(name, value);
  return response;
}
