import { DEFAULT_CONNECTION_OPTIONS, describeValue, resolveConnectionOptions, type ConnectionOptions } from '@kindling/websocket';
import type { AppOptions, WebSocketDefaults } from '../app-options.js';
import { checkWebSocketOptionValues } from '../router/websocket-route-options.js';

/** The scope an app option error names, so it is never blamed on a route. */
export const APP_WEBSOCKET_SCOPE = 'app-wide websocket defaults (new App(router, { websocket }))';

const MAX_FRAME = 2 ** 32 - 1;

/**
 * Checks the app's own options when the app is built, whether or not any route uses them: a
 * bad `websocket` default is reported as app-wide even with no WebSocket route, and a bad
 * `bodyLimit` before `listen()`. Throws a `TypeError` naming the scope, the option and the
 * type of what it got (`got string "5000"`).
 */
export function checkAppOptions(options: AppOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`new App(router, options): options must be an object, got ${describeValue(options)}`);
  for (const name of ['bodyLimit', 'maxHeaderBytes'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw new TypeError(`new App(router, options): ${name} must be a positive number, got ${describeValue(value)}`);
    }
  }
  const defaults: unknown = options.websocket;
  if (defaults === undefined) return;
  try {
    if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) throw new TypeError(`must be an object, got ${describeValue(defaults)}`);
    const websocket = defaults as WebSocketDefaults;
    checkWebSocketOptionValues(websocket);
    resolveConnectionOptions(pickConnectionOptions(websocket));
    const hard: unknown = websocket.hardMaxPayloadLength;
    if (hard !== undefined && (typeof hard !== 'number' || !Number.isInteger(hard) || hard < 1 || hard > MAX_FRAME)) {
      throw new TypeError(`hardMaxPayloadLength must be an integer from 1 to ${MAX_FRAME}, got ${describeValue(hard)}`);
    }
  } catch (err) {
    throw new TypeError(`${APP_WEBSOCKET_SCOPE}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The subset of WebSocket options that configure the connection itself. */
export function pickConnectionOptions(options: WebSocketDefaults): Partial<ConnectionOptions> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_CONNECTION_OPTIONS)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked as Partial<ConnectionOptions>;
}
