import type { WebSocketConnection } from '@kindling/websocket';
import type { RouteTable } from '../router/router.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * Adds the app's own endpoints (metrics, health) to a router's table before it is compiled, so
 * a user route on the same path is a start-up error naming both, exactly as for two user routes.
 * Their GET paths keep answering while the app drains: a scrape or readiness check during
 * shutdown gets an answer rather than a 503.
 */
export class OpsRoutes {
  readonly #table: RouteTable;
  readonly #lifecycle: Lifecycle;

  constructor(table: RouteTable, lifecycle: Lifecycle) {
    this.#table = table;
    this.#lifecycle = lifecycle;
  }

  /** A GET route; `option` names the setting that chose the path (it appears in conflict errors). */
  http(path: string, option: string, handler: () => unknown): void {
    const root = this.#table.root;
    this.#table.http.push({
      def: { method: 'GET', pattern: path, extractors: [], handler, origin: `${option} '${path}'` },
      middleware: [],
      state: root.state,
      extensions: root.extensions,
    });
    this.#lifecycle.servedWhileDraining.add(path);
  }

  /** A WebSocket route (not served while draining, like every upgrade). */
  websocket(path: string, option: string, handler: (conn: WebSocketConnection) => unknown, options: WebSocketRouteOptions): void {
    const root = this.#table.root;
    this.#table.websocket.push({
      def: { pattern: path, extractors: [], handler: (conn: unknown) => handler(conn as WebSocketConnection), options, origin: `${option} '${path}'` },
      middleware: [],
      state: root.state,
      extensions: root.extensions,
    });
  }
}
