import type { HttpRequest, HttpResponse } from 'uWebSockets.js';

/**
 * Everything Kindling needs from a uWS `HttpRequest`, copied synchronously inside the uWS
 * callback: the `HttpRequest` is invalid once that callback returns, and extractors may await.
 */
export interface RequestParts {
  /** Upper-case method. */
  readonly method: string;
  /** The path as sent, still percent-encoded, without the query string. */
  readonly path: string;
  /** The raw query string, without `?` (empty when absent). */
  readonly rawQuery: string;
  /** Header names are lower-case; repeated headers are joined with `, ` (`; ` for cookie). */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's IP address (IPv4 in dotted form; IPv6 as uWS reports it). */
  readonly remoteAddress: string;
}

const decoder = new TextDecoder();

/** Copies the parts of a request out of uWS. Must run synchronously in the uWS callback. */
export function readRequestParts(req: HttpRequest, res: HttpResponse): RequestParts {
  const headers: Record<string, string> = {};
  req.forEach((name, value) => {
    const existing = headers[name];
    headers[name] = existing === undefined ? value : `${existing}${name === 'cookie' ? '; ' : ', '}${value}`;
  });
  return {
    method: req.getCaseSensitiveMethod().toUpperCase(),
    path: req.getUrl(),
    rawQuery: req.getQuery() ?? '',
    headers,
    remoteAddress: normalizeAddress(decoder.decode(res.getRemoteAddressAsText())),
  };
}

const MAPPED_V4 = /^(?:0{1,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** uWS reports IPv4 peers on a dual-stack socket as IPv4-mapped IPv6; show them as IPv4. */
export function normalizeAddress(text: string): string {
  const mapped = MAPPED_V4.exec(text);
  if (!mapped) return text.startsWith('::ffff:') ? text.slice(7) : text;
  const hi = Number.parseInt(mapped[1] ?? '0', 16);
  const lo = Number.parseInt(mapped[2] ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}
