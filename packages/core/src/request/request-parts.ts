import type { EngineRequest as HttpRequest, EngineResponse as HttpResponse } from '../engine/engine.js';

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

/** Request parts copied from an engine's request, with the size the copy measured. */
export interface CopiedRequestParts extends RequestParts {
  /**
   * The size of the header section as `maxHeaderBytes` counts it: every header line's name and
   * value, plus 4 bytes for its `: ` and line break. Summed while the headers are copied.
   */
  readonly headerBytes: number;
}

const decoder = new TextDecoder();

/** Copies the parts of a request out of uWS. Must run synchronously in the uWS callback. */
export function readRequestParts(req: HttpRequest, res: HttpResponse): CopiedRequestParts {
  return {
    method: readMethod(req),
    path: req.getUrl(),
    rawQuery: req.getQuery() ?? '',
    headers: readHeaders(req),
    headerBytes: collectedBytes,
    remoteAddress: readRemoteAddress(res),
  };
}

/**
 * The parts of a plain HTTP request, with the peer's address read from uWS only when asked for.
 * Reading it makes uWS allocate an `ArrayBuffer`, the dearest step of copying a request, and
 * most handlers never look. The response stays readable until it is ended or aborted, so the
 * pipeline calls {@link pin} before either can happen while user code could still ask: before
 * going async and before answering, whenever a `RequestContext` was handed out.
 */
export class LazyRequestParts implements CopiedRequestParts {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly headerBytes: number;
  #res: HttpResponse | undefined;
  #remoteAddress: string | undefined;

  /** Copies method, path, query and headers. Must run synchronously in the uWS callback. */
  constructor(req: HttpRequest, res: HttpResponse) {
    this.method = readMethod(req);
    this.path = req.getUrl();
    this.rawQuery = req.getQuery() ?? '';
    this.headers = readHeaders(req);
    this.headerBytes = collectedBytes;
    this.#res = res;
  }

  get remoteAddress(): string {
    if (this.#remoteAddress !== undefined) return this.#remoteAddress;
    const res = this.#res;
    // Only reachable after `release()` without `pin()`, i.e. when no user code held the request.
    if (res === undefined) return '';
    return (this.#remoteAddress = readRemoteAddress(res));
  }

  /** Reads the address now, while the response is still valid. */
  pin(): void {
    if (this.#remoteAddress === undefined && this.#res !== undefined) this.#remoteAddress = readRemoteAddress(this.#res);
  }

  /** The response was ended or aborted: never touch it again. */
  release(): void {
    this.#res = undefined;
  }
}

function readMethod(req: HttpRequest): string {
  return req.getCaseSensitiveMethod().toUpperCase();
}

// The object `collectHeader` fills and the header bytes it has counted. uWS calls the callback
// synchronously inside `forEach`, so one module-level callback serves every request without a
// closure each; `collectedBytes` is read right after `readHeaders` returns.
const NONE: Record<string, string> = {};
let collecting = NONE;
let collectedBytes = 0;

function collectHeader(name: string, value: string): void {
  collectedBytes += name.length + value.length + 4;
  const existing = collecting[name];
  collecting[name] = existing === undefined ? value : `${existing}${name === 'cookie' ? '; ' : ', '}${value}`;
}

/** Copies the headers; leaves their size in `collectedBytes`. */
function readHeaders(req: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  collecting = headers;
  collectedBytes = 0;
  req.forEach(collectHeader);
  collecting = NONE;
  return headers;
}

function readRemoteAddress(res: HttpResponse): string {
  return normalizeAddress(decoder.decode(res.getRemoteAddressAsText()));
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
