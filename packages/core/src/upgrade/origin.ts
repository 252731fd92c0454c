import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';

/** True when the route's `origins` allowlist admits this Origin header. */
export function originAllowed(options: Pick<WebSocketRouteOptions, 'origins' | 'requireOrigin'>, origin: string | undefined): boolean {
  const allowed = options.origins;
  if (allowed === undefined) return true;
  if (typeof allowed === 'function') return allowed(origin);
  if (origin === undefined) return !options.requireOrigin;
  return allowed.includes('*') || allowed.includes(origin);
}

/** The first of the server's preferred protocols that the client offered, or `''`. */
export function selectProtocol(preferred: readonly string[] | undefined, offered: string | undefined): string {
  if (!preferred || !offered) return '';
  const offers = offered.split(',').map((p) => p.trim());
  return preferred.find((p) => offers.includes(p)) ?? '';
}
