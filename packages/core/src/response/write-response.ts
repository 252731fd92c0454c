import { STATUS_CODES } from 'node:http';
import type { HttpResponse } from 'uWebSockets.js';
import type { Response } from './response.js';

const statusLines = new Map<number, string>();

/** `'200 OK'`-style status line text for uWS `writeStatus`, cached per code. */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
    statusLines.set(status, line);
  }
  return line;
}

/**
 * Writes a response to uWS. The caller must be inside the synchronous uWS callback or
 * `res.cork()`, and must have checked the request was not aborted.
 */
export function writeResponse(res: HttpResponse, response: Response, requestId: string, options: { head: boolean; close: boolean }): void {
  res.writeStatus(statusLine(response.status));
  for (const name in response.headers) res.writeHeader(name, response.headers[name] as string);
  for (const cookie of response.cookies) res.writeHeader('set-cookie', cookie);
  res.writeHeader('x-request-id', requestId);
  const body = response.body;
  if (response.status === 204 || response.status === 304) {
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
