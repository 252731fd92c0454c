import type { AnyExtractor } from '../extract/extractor.js';
import type { Middleware } from '../middleware.js';
import type { SharedContext } from '../request/request-context.js';
import { RouteTree } from './route-tree.js';
import type { RouteTable } from './router.js';
import type { WebSocketRouteOptions } from './websocket-route-options.js';

/** An HTTP route ready to serve. */
export interface CompiledHttpRoute {
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly handler: (...args: unknown[]) => unknown;
  readonly middleware: readonly Middleware[];
  readonly shared: SharedContext;
}

/** A WebSocket route ready to serve; `options` are merged with the app defaults. */
export interface CompiledWebSocketRoute<TOptions = WebSocketRouteOptions> {
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly handler: (...args: unknown[]) => unknown;
  readonly middleware: readonly Middleware[];
  readonly shared: SharedContext;
  readonly options: TOptions;
}

/** The lookup structures the server uses. */
export interface CompiledRoutes<TOptions = WebSocketRouteOptions> {
  readonly http: RouteTree<CompiledHttpRoute>;
  readonly websocket: RouteTree<CompiledWebSocketRoute<TOptions>>;
  readonly root: { readonly middleware: readonly Middleware[]; readonly shared: SharedContext };
}

/**
 * Builds the route trees from a router's table. Two routes with the same method and path
 * shape are a start-up error naming both registrations.
 */
export function compileRoutes<TOptions>(
  table: RouteTable,
  resolveOptions: (options: WebSocketRouteOptions, pattern: string, origin: string) => TOptions,
  treeOptions: { strictTrailingSlash?: boolean } = {},
): CompiledRoutes<TOptions> {
  const http = new RouteTree<CompiledHttpRoute>(treeOptions);
  const httpSeen = new ConflictFinder(treeOptions);
  for (const { def, middleware, state, extensions } of table.http) {
    httpSeen.insert(def.method, def.pattern, def.origin, () =>
      http.insert(def.method, def.pattern, {
        pattern: def.pattern,
        extractors: def.extractors,
        handler: def.handler,
        middleware,
        shared: { state, extensions },
      }),
    );
  }
  const websocket = new RouteTree<CompiledWebSocketRoute<TOptions>>(treeOptions);
  const websocketSeen = new ConflictFinder(treeOptions);
  for (const { def, middleware, state, extensions } of table.websocket) {
    const options = resolveOptions(def.options, def.pattern, def.origin);
    websocketSeen.insert('GET', def.pattern, def.origin, () =>
      websocket.insert('GET', def.pattern, {
        pattern: def.pattern,
        extractors: def.extractors,
        handler: def.handler,
        middleware,
        shared: { state, extensions },
        options,
      }),
    );
  }
  return { http, websocket, root: { middleware: table.root.middleware, shared: { state: table.root.state, extensions: table.root.extensions } } };
}

/** Remembers where each route came from, so a conflict can name both registrations. */
class ConflictFinder {
  readonly #seen: Array<{ method: string; pattern: string; origin: string }> = [];
  readonly #treeOptions: { strictTrailingSlash?: boolean };

  constructor(treeOptions: { strictTrailingSlash?: boolean }) {
    this.#treeOptions = treeOptions;
  }

  insert(method: string, pattern: string, origin: string, insert: () => void): void {
    try {
      insert();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const other = this.#seen.find((earlier) => earlier.method === method && clashes(earlier.pattern, pattern, this.#treeOptions));
      const where = other ? `${origin} clashes with ${other.origin}` : `registered by ${origin}`;
      throw new Error(`${message} (${where})`, { cause: err });
    }
    this.#seen.push({ method, pattern, origin });
  }
}

/** Whether two patterns conflict for one method, asked of a throwaway tree (only on the error path). */
function clashes(a: string, b: string, treeOptions: { strictTrailingSlash?: boolean }): boolean {
  const probe = new RouteTree<null>(treeOptions);
  probe.insert('GET', a, null);
  try {
    probe.insert('GET', b, null);
    return false;
  } catch {
    return true;
  }
}
