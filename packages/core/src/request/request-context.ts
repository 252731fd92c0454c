import { idText, type IdSource } from '@kindling/websocket';
import type { Logger } from 'pino';
import { parseCookieHeader } from './cookies.js';
import { parseQueryString, type QueryRecord } from './query-string.js';
import type { RequestParts } from './request-parts.js';
import { EMPTY_BODY, type BodyReader } from './body.js';

/** A class used as a key for {@link RequestContext.extensions} (`Extension(Database)`). */
export type ExtensionKey<T = unknown> = abstract new (...args: never[]) => T;

/** What the router shares with every request: app state and extensions by class. */
export interface SharedContext {
  readonly state: unknown;
  readonly extensions: ReadonlyMap<ExtensionKey, unknown>;
}

/**
 * One request as middleware and extractors see it, for plain HTTP and for WebSocket upgrades
 * alike. Query and cookies are parsed on first use.
 */
export class RequestContext {
  readonly method: string;
  /** The path as sent (percent-encoded). */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  /** True when this request asks for a WebSocket upgrade. */
  readonly isUpgrade: boolean;
  /** Decoded path parameters of the matched route. */
  params: Readonly<Record<string, string>> = {};
  /** The matched route pattern, e.g. `/rooms/{room}` (or `''` when none matched). */
  route = '';
  /** The negotiated WebSocket subprotocol (`''` for HTTP or when none was agreed). */
  protocol = '';
  readonly #parts: RequestParts;
  readonly #shared: SharedContext;
  readonly #parentLog: Logger;
  #log: Logger | undefined;
  readonly #body: Pick<BodyReader, 'bytes'>;
  #query: QueryRecord | undefined;
  #cookies: Record<string, string> | undefined;
  #locals: Record<string, unknown> | undefined;
  readonly #requestId: IdSource;

  constructor(parts: RequestParts, shared: SharedContext, init: { isUpgrade: boolean; requestId: IdSource; logger: Logger; body?: BodyReader }) {
    this.method = parts.method;
    this.path = parts.path;
    this.rawQuery = parts.rawQuery;
    this.headers = parts.headers;
    this.#parts = parts;
    this.isUpgrade = init.isUpgrade;
    this.#requestId = init.requestId;
    this.#parentLog = init.logger;
    this.#shared = shared;
    this.#body = init.body ?? EMPTY_BODY;
  }

  /** The request id (a well-formed incoming `x-request-id`, or a new UUID-shaped id). */
  get requestId(): string {
    return idText(this.#requestId);
  }

  /** The request id as kept: its text, or the serial of a new id whose text is not made yet. @internal */
  get requestIdSource(): IdSource {
    return this.#requestId;
  }

  /**
   * Per-request scratch space for middleware (e.g. the authenticated user), created on first
   * use. On an upgrade it becomes the connection's `ws.data`.
   */
  get locals(): Record<string, unknown> {
    return (this.#locals ??= {});
  }

  /** {@link locals} if anything created it, without creating it. @internal */
  get localsIfCreated(): Record<string, unknown> | undefined {
    return this.#locals;
  }

  /** The peer's IP address (IPv4 in dotted form; IPv6 as uWS reports it). */
  get remoteAddress(): string {
    return this.#parts.remoteAddress;
  }

  /** A logger bound to this request's id and route (created on first use). */
  get log(): Logger {
    return (this.#log ??= this.#parentLog.child({ requestId: this.requestId, route: this.route }));
  }

  /** The parsed query string. Throws `MalformedUri` (400) for a bad escape. */
  get query(): QueryRecord {
    return (this.#query ??= parseQueryString(this.rawQuery));
  }

  /** Cookies from the `Cookie` header. */
  get cookies(): Readonly<Record<string, string>> {
    return (this.#cookies ??= parseCookieHeader(this.headers['cookie']));
  }

  /** One header by (case-insensitive) name. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  /** The app state set with `router.state(...)`. */
  get state(): unknown {
    return this.#shared.state;
  }

  /** Extensions registered with `router.extension(...)`, keyed by class. */
  get extensions(): ReadonlyMap<ExtensionKey, unknown> {
    return this.#shared.extensions;
  }

  /** The raw body (empty for upgrades and bodiless requests). Rejects past the size limit. */
  bytes(): Promise<Uint8Array> {
    return this.#body.bytes();
  }
}
