import { STATUS_CODES } from 'node:http';
import type { EngineResponse as HttpResponse } from '../engine/engine.js';
import type { Response } from './response.js';

// Indexed by status code; filled on first use.
const statusLines: (string | undefined)[] = [];

/** `'200 OK'`-style status line text for uWS `writeStatus`, cached per code. */
export function statusLine(status: number): string {
  return (statusLines[status] ??= `${status} ${STATUS_CODES[status] ?? 'Unknown'}`);
}

/** How {@link writeResponse} ends the exchange. */
export interface WriteOptions {
  /** A HEAD request: send the headers and the length the body would have, not the body. */
  readonly head: boolean;
  /** Close the connection after this response. */
  readonly close: boolean;
}

/**
 * Writes a response to uWS. The caller must be inside the synchronous uWS callback or
 * `res.cork()`, and must have checked the request was not aborted.
 */
export function writeResponse(res: HttpResponse, response: Response, requestId: string, options: WriteOptions): void {
  const status = response.status;
  // uWS writes `200 OK` itself when no status was written.
  if (status !== 200) res.writeStatus(statusLine(status));
  const headers = response.headers;
  for (const name in headers) res.writeHeader(name, headers[name] as string);
  const cookies = response.cookies;
  for (let i = 0; i < cookies.length; i++) res.writeHeader('set-cookie', cookies[i] as string);
  res.writeHeader('x-request-id', requestId);
  endResponse(res, status, response.body, options);
}

/**
 * A handler's plain string, written without building a {@link Response}: the same bytes as
 * `Response.text(text)` would produce.
 */
export function writeText(res: HttpResponse, text: string, contentType: string, requestId: string, options: WriteOptions): void {
  res.writeHeader('content-type', contentType);
  res.writeHeader('x-request-id', requestId);
  endResponse(res, 200, text, options);
}

function endResponse(res: HttpResponse, status: number, body: string | Uint8Array | undefined, options: WriteOptions): void {
  if (status === 204 || status === 304) {
    // No Content-Length at all: uWS writes a bogus one for endWithoutBody(undefined, ...).
    if (options.close) res.end('', true);
    else res.endWithoutBody();
    return;
  }
  if (options.head) {
    res.endWithoutBody(body === undefined ? 0 : byteLength(body), options.close);
    return;
  }
  res.end(body ?? '', options.close);
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}
