import type { Duplex } from 'node:stream';
import { KindlingError, type ErrorCode } from '@kindling/websocket';
import { newRequestId } from '../../request/request-id.js';
import { statusLine } from '../../response/write-response.js';

/** The error-table code for what node's HTTP parser (llhttp) refused, by its `HPE_...` code. */
function errorCodeOf(parserCode: string): ErrorCode {
  switch (parserCode) {
    case 'HPE_HEADER_OVERFLOW':
      return 'HEADERS_TOO_LARGE';
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return 'INVALID_BODY_FRAMING';
    default:
      return 'BAD_REQUEST';
  }
}

type ClientSocket = Duplex & { readonly _httpMessage?: { readonly headersSent: boolean } | null };

/**
 * The `node` engine's answer to a request node's HTTP parser refused (a malformed request line,
 * bare-LF line endings, an ambiguous body length, headers past the parser's limit): Kindling's
 * JSON error body with its status and a new `x-request-id`, then the connection closes — where
 * node would write a bare `400` with no body. Like node, it answers only while no response is
 * under way on the connection, and leaves a request timeout to node's own `408`.
 */
export function answerClientError(err: Error & { code?: string }, socket: ClientSocket): void {
  const parserCode = err.code ?? '';
  const inFlight = socket._httpMessage;
  if (!socket.writable || (inFlight != null && inFlight.headersSent) || !parserCode.startsWith('HPE_')) {
    if (parserCode === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable) socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    socket.destroy();
    return;
  }
  const error = new KindlingError(errorCodeOf(parserCode), { details: { parserError: parserCode } });
  const body = JSON.stringify(error.toJSON());
  socket.end(
    `HTTP/1.1 ${statusLine(error.status)}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${newRequestId()}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A peer that never reads must not hold the socket.
  setTimeout(() => socket.destroy(), 2000).unref();
}
