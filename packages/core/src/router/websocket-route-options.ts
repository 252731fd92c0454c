import { describeValue, type ConnectionOptions } from '@kindling/websocket';

/**
 * Options for one WebSocket route; unset ones fall back to the app's `websocket` defaults.
 * See docs/websocket.md for every option and its default.
 */
export interface WebSocketRouteOptions extends Partial<ConnectionOptions> {
  /**
   * Accept permessage-deflate when the client offers it.
   * @default false
   */
  compression?: boolean;
  /**
   * Allowed `Origin` values (exact match, `'*'` for any), or a predicate. A request whose
   * Origin is not allowed is answered 403 `ORIGIN_NOT_ALLOWED` before the upgrade. Requests
   * without an Origin header (non-browser clients) pass unless `requireOrigin` is true.
   * @default undefined (no check)
   */
  origins?: readonly string[] | ((origin: string | undefined) => boolean);
  /** Reject requests that carry no Origin header when `origins` is set. @default false */
  requireOrigin?: boolean;
  /**
   * Subprotocols in server preference order; the first one the client offered is chosen.
   * When set and the client offers protocols of which none match, the upgrade proceeds
   * without a protocol (as browsers then close the socket themselves).
   * @default undefined
   */
  protocols?: readonly string[];
  /**
   * Open connections one remote address may hold. One more upgrade request is answered 429
   * `RATE_LIMITED` with `Retry-After: 5` before the upgrade. Set in the app's `websocket`
   * defaults it counts the address's connections on every route that inherits it; set on a
   * route, that route's alone. See docs/rate-limiting.md.
   * @default undefined (no limit)
   */
  connectionsPerIp?: number;
  /**
   * Upgrade requests one remote address may make per minute (a token bucket: this many at
   * once, then one every `60 / n` seconds). Past it: 429 `RATE_LIMITED` with `Retry-After`
   * before the upgrade. Counted like `connectionsPerIp` (app-wide or per route).
   * @default undefined (no limit)
   */
  upgradesPerMinute?: number;
}

/** Throws a clear error at registration for option values that cannot work. */
export function validateWebSocketRouteOptions(path: string, options: WebSocketRouteOptions): void {
  try {
    checkWebSocketOptionValues(options);
  } catch (err) {
    throw new TypeError(`websocket('${path}'): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Checks the options only Kindling reads (not the connection's own, which
 * `resolveConnectionOptions` checks): `protocols`, `origins`, `connectionsPerIp`,
 * `upgradesPerMinute`. Throws a `TypeError` naming the option and what it got.
 */
export function checkWebSocketOptionValues(options: WebSocketRouteOptions): void {
  if (options.protocols !== undefined) {
    if (!Array.isArray(options.protocols) || options.protocols.some((p) => typeof p !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))) {
      throw new TypeError(`protocols must be an array of valid subprotocol tokens, got ${describeValue(options.protocols)}`);
    }
  }
  if (options.origins !== undefined && typeof options.origins !== 'function' && !Array.isArray(options.origins)) {
    throw new TypeError(`origins must be an array of origins or a function, got ${describeValue(options.origins)}`);
  }
  for (const name of ['connectionsPerIp', 'upgradesPerMinute'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
      throw new TypeError(`${name} must be a positive integer, got ${describeValue(value)}`);
    }
  }
}
