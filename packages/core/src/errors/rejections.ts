import { KindlingError } from '@kindling/websocket';

// One class per way a request is refused before a handler runs. Each carries its code from the
// table in @kindling/websocket (ERROR_CODES), so the HTTP status and close code stay in one place.

/** A percent-escape in the path or query string is malformed (400 `MALFORMED_URI`). */
export class MalformedUri extends KindlingError {
  constructor(where: 'path' | 'query', value: string) {
    super('MALFORMED_URI', { message: `Malformed percent-encoding in the ${where}`, details: { where, value } });
  }
}

/** No route matches the path (404 `NOT_FOUND`). */
export class RouteNotFound extends KindlingError {
  constructor(method: string, path: string) {
    super('NOT_FOUND', { message: `No route for ${method} ${path}` });
  }
}

/** The path matches routes, none for this method (405 with an `Allow` header). */
export class MethodNotAllowed extends KindlingError {
  constructor(method: string, allow: readonly string[]) {
    super('METHOD_NOT_ALLOWED', {
      message: `Method ${method} not allowed; use ${allow.join(', ')}`,
      details: { allow },
      headers: { allow: allow.join(', ') },
    });
  }
}

/** A header the route requires is absent (400 `MISSING_HEADER`). */
export class MissingHeader extends KindlingError {
  constructor(name: string) {
    super('MISSING_HEADER', { message: `Missing required header "${name}"`, details: { header: name } });
  }
}

/** A cookie the route requires is absent (400 `MISSING_COOKIE`). */
export class MissingCookie extends KindlingError {
  constructor(name: string) {
    super('MISSING_COOKIE', { message: `Missing required cookie "${name}"`, details: { cookie: name } });
  }
}

/** The body is not valid JSON (400 `INVALID_JSON`). */
export class InvalidJson extends KindlingError {
  constructor(reason: string) {
    super('INVALID_JSON', { message: `Request body is not valid JSON: ${reason}` });
  }
}

/** The body has a content type the route does not accept (415). */
export class UnsupportedMediaType extends KindlingError {
  constructor(received: string | undefined, expected: string) {
    super('UNSUPPORTED_MEDIA_TYPE', {
      message: `Expected content-type ${expected}, got ${received ?? 'none'}`,
      details: { expected, received: received ?? null },
    });
  }
}

/** The body is larger than the limit (413). Kindling stops reading at the limit. */
export class PayloadTooLarge extends KindlingError {
  constructor(limit: number) {
    super('PAYLOAD_TOO_LARGE', { message: `Request body exceeds ${limit} bytes`, details: { limit } });
  }
}

/** The request headers are larger than the server accepts (431). */
export class HeadersTooLarge extends KindlingError {
  constructor(limit: number) {
    super('HEADERS_TOO_LARGE', { message: `Request headers exceed ${limit} bytes`, details: { limit } });
  }
}

/** A WebSocket handshake is malformed: missing/invalid key, or not an upgrade (400). */
export class InvalidHandshake extends KindlingError {
  constructor(reason: string) {
    super('INVALID_HANDSHAKE', { message: `Invalid WebSocket handshake: ${reason}` });
  }
}

/**
 * The request's body length is ambiguous (RFC 9112 §6.3): `Content-Length` repeated, listing
 * several values or not a number, `Transfer-Encoding` together with `Content-Length`, or a
 * transfer coding other than `chunked` (400 `INVALID_BODY_FRAMING`; the connection is closed).
 */
export class InvalidBodyFraming extends KindlingError {
  constructor(reason: string, header: 'content-length' | 'transfer-encoding') {
    super('INVALID_BODY_FRAMING', { message: `Ambiguous request body length: ${reason}`, details: { header } });
  }
}

/** The client asked for a WebSocket version other than 13 (426 with `Sec-WebSocket-Version: 13`). */
export class UnsupportedWebSocketVersion extends KindlingError {
  constructor(version: string | undefined) {
    super('UPGRADE_REQUIRED', {
      message: `Unsupported WebSocket version ${version ?? '(none)'}; use 13`,
      headers: { 'sec-websocket-version': '13' },
    });
  }
}

/** A plain HTTP request reached a WebSocket-only route (426 `UPGRADE_REQUIRED`). */
export class UpgradeRequired extends KindlingError {
  constructor() {
    super('UPGRADE_REQUIRED', { message: 'This route only accepts WebSocket upgrades', headers: { upgrade: 'websocket' } });
  }
}

/** The request's Origin is not in the route's allowlist (403 `ORIGIN_NOT_ALLOWED`). */
export class OriginNotAllowed extends KindlingError {
  constructor(origin: string | undefined) {
    super('ORIGIN_NOT_ALLOWED', { message: `Origin ${origin ?? '(none)'} is not allowed` });
  }
}

/** The server is draining for shutdown (503 `SHUTTING_DOWN`, close 1001). */
export class ServerDraining extends KindlingError {
  constructor() {
    super('SHUTTING_DOWN', { headers: { connection: 'close', 'retry-after': '5' } });
  }
}

/** An extractor asked for app state or an extension that was never registered (500). */
export class MissingDependency extends KindlingError {
  constructor(what: string) {
    super('INTERNAL', { message: `${what} was not registered on the router` });
  }
}
