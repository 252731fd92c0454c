import { registerController } from '../decorators/register-controller.js';
import { routeOrigin } from '../decorators/route-origin.js';
import type { AnyExtractor } from '../extract/extractor.js';
import type { Middleware } from '../middleware.js';
import type { ExtensionKey } from '../request/request-context.js';
import type { HandlerResult } from '../response/response.js';
import { joinPaths, parsePathPattern } from './path-pattern.js';
import type { HttpMethod } from './http-method.js';
import type { CheckExtractors, HttpHandler, WebSocketHandler } from './route-types.js';
import { validateWebSocketRouteOptions, type WebSocketRouteOptions } from './websocket-route-options.js';

type UntypedHandler = (...args: unknown[]) => unknown;

/** A registered HTTP route as the app compiles it. */
export interface HttpRouteDefinition {
  readonly method: HttpMethod;
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly handler: UntypedHandler;
  /** Where it was registered, for conflict messages. */
  readonly origin: string;
}

/** A registered WebSocket route as the app compiles it. */
export interface WebSocketRouteDefinition {
  readonly pattern: string;
  readonly extractors: readonly AnyExtractor[];
  readonly handler: UntypedHandler;
  readonly options: WebSocketRouteOptions;
  readonly origin: string;
}

/** A route with the middleware and shared values that apply to it, after nesting. */
export interface ResolvedRoute<TDef> {
  readonly def: TDef;
  readonly middleware: readonly Middleware[];
  readonly state: unknown;
  readonly extensions: ReadonlyMap<ExtensionKey, unknown>;
}

/** Every route of a router tree, flattened with prefixes applied. */
export interface RouteTable {
  readonly http: ResolvedRoute<HttpRouteDefinition>[];
  readonly websocket: ResolvedRoute<WebSocketRouteDefinition>[];
  /** The root router's middleware and shared values, for requests no route matches. */
  readonly root: Omit<ResolvedRoute<never>, 'def'>;
}

/** Registers an HTTP route; the handler's parameters are inferred from the extractors. */
export interface HttpRouteMethod<TSelf> {
  <const P extends string>(path: P, handler: () => HandlerResult | Promise<HandlerResult>): TSelf;
  <const P extends string, const Es extends readonly AnyExtractor[]>(
    path: P,
    extractors: Es & CheckExtractors<Es, P, 'http'>,
    handler: HttpHandler<Es, P>,
  ): TSelf;
}

interface Mount {
  readonly prefix: string;
  readonly router: Router;
}

/**
 * Routes for HTTP and WebSocket requests, with middleware, app state and extensions. Build it
 * fluently and hand it to `new App(router)`. See docs/routing.md.
 *
 * @example
 * ```ts
 * const router = new Router()
 *   .get('/health', () => ({ ok: true }))
 *   .websocket('/echo', async (ws) => {
 *     for await (const msg of ws) ws.send(msg);
 *   });
 * ```
 */
export class Router {
  readonly #http: HttpRouteDefinition[] = [];
  readonly #websocket: WebSocketRouteDefinition[] = [];
  readonly #middleware: Middleware[] = [];
  readonly #extensions = new Map<ExtensionKey, unknown>();
  readonly #mounts: Mount[] = [];
  #state: unknown = undefined;

  /** `GET` route (also answers `HEAD` when no `HEAD` route exists). */
  readonly get: HttpRouteMethod<this> = this.#method('GET');
  /** `POST` route. */
  readonly post: HttpRouteMethod<this> = this.#method('POST');
  /** `PUT` route. */
  readonly put: HttpRouteMethod<this> = this.#method('PUT');
  /** `PATCH` route. */
  readonly patch: HttpRouteMethod<this> = this.#method('PATCH');
  /** `DELETE` route. */
  readonly delete: HttpRouteMethod<this> = this.#method('DELETE');
  /** `HEAD` route. */
  readonly head: HttpRouteMethod<this> = this.#method('HEAD');
  /** `OPTIONS` route. */
  readonly options: HttpRouteMethod<this> = this.#method('OPTIONS');
  /** A route for every method (an exact-method route on the same path wins). */
  readonly any: HttpRouteMethod<this> = this.#method('ANY');

  /** Sets the app state read by `State<T>()`. */
  state(value: unknown): this {
    this.#state = value;
    return this;
  }

  /** Registers a value read by `Extension(Class)`, keyed by its class (or by `key`). */
  extension<T extends object>(value: T, key?: ExtensionKey<T>): this {
    this.#extensions.set(key ?? (value.constructor as ExtensionKey<T>), value);
    return this;
  }

  /** Adds middleware for every route of this router and the routers nested in it. */
  use(...middleware: Middleware[]): this {
    for (const mw of middleware) {
      if (typeof mw !== 'function') throw new TypeError('router.use() takes middleware functions');
      this.#middleware.push(mw);
    }
    return this;
  }

  /**
   * A WebSocket route. Extractors run before the upgrade; a failure answers with its HTTP
   * status and JSON body and the client never sees a 101. The handler gets the extracted
   * values in order, then the connection. When it returns, the connection closes with 1000
   * (unless it called `ws.keepOpen()`).
   */
  websocket<const P extends string>(path: P, handler: WebSocketHandler<[], P>, options?: WebSocketRouteOptions): this;
  websocket<const P extends string, const Es extends readonly AnyExtractor[]>(
    path: P,
    extractors: Es & CheckExtractors<Es, P, 'websocket'>,
    handler: WebSocketHandler<Es, P>,
    options?: WebSocketRouteOptions,
  ): this;
  websocket(path: string, a: unknown, b?: unknown, c?: unknown): this {
    const [extractors, handler, options] = Array.isArray(a)
      ? [a as AnyExtractor[], b, (c ?? {}) as WebSocketRouteOptions]
      : [[], a, (b ?? {}) as WebSocketRouteOptions];
    if (typeof handler !== 'function') throw new TypeError(`websocket('${path}'): the handler must be a function`);
    parsePathPattern(path);
    checkExtractors(path, extractors, 'websocket');
    validateWebSocketRouteOptions(path, options);
    this.#websocket.push({ pattern: path, extractors, handler: handler as UntypedHandler, options, origin: routeOrigin(handler) ?? `websocket('${path}')` });
    return this;
  }

  /**
   * Registers the routes of a `@Controller` class instance through the methods above, so they
   * join the same route table and meet the same checks. See docs/controllers.md.
   *
   * @example
   * ```ts
   * router.controller(new ChatController(rooms)).controller(new HealthController());
   * ```
   */
  controller(instance: object): this {
    registerController(this, instance, () => new Router());
    return this;
  }

  /** Mounts another router's routes under `prefix`; its middleware runs after this router's. */
  nest(prefix: string, router: Router): this {
    if (router === this) throw new TypeError('A router cannot be nested in itself');
    parsePathPattern(prefix);
    this.#mounts.push({ prefix, router });
    return this;
  }

  /** Adds another router's routes at the same level, as if registered here. */
  merge(router: Router): this {
    if (router === this) throw new TypeError('A router cannot be merged into itself');
    this.#mounts.push({ prefix: '', router });
    return this;
  }

  /** Flattens this router tree into one table. Used by `App`; conflicts are found there. */
  routeTable(): RouteTable {
    const table: RouteTable = {
      http: [],
      websocket: [],
      root: { middleware: [...this.#middleware], state: this.#state, extensions: new Map(this.#extensions) },
    };
    this.#collect(table, '', [], undefined, new Map(), new Set());
    return table;
  }

  #collect(
    table: RouteTable,
    prefix: string,
    parentMiddleware: readonly Middleware[],
    parentState: unknown,
    parentExtensions: ReadonlyMap<ExtensionKey, unknown>,
    seen: Set<Router>,
  ): void {
    if (seen.has(this)) throw new TypeError('Router nesting forms a cycle');
    seen.add(this);
    const middleware = [...parentMiddleware, ...this.#middleware];
    const state = this.#state === undefined ? parentState : this.#state;
    const extensions = new Map([...parentExtensions, ...this.#extensions]);
    const at = (pattern: string) => (prefix ? joinPaths(prefix, pattern) : pattern);
    for (const def of this.#http) table.http.push({ def: { ...def, pattern: at(def.pattern) }, middleware, state, extensions });
    for (const def of this.#websocket) table.websocket.push({ def: { ...def, pattern: at(def.pattern) }, middleware, state, extensions });
    for (const mount of this.#mounts) {
      mount.router.#collect(table, mount.prefix ? at(mount.prefix) : prefix, middleware, state, extensions, seen);
    }
    seen.delete(this);
  }

  #method(method: HttpMethod): HttpRouteMethod<this> {
    const register = (path: string, a: unknown, b?: unknown): this => {
      const [extractors, handler] = Array.isArray(a) ? [a as AnyExtractor[], b] : [[], a];
      if (typeof handler !== 'function') throw new TypeError(`${method.toLowerCase()}('${path}'): the handler must be a function`);
      parsePathPattern(path);
      checkExtractors(path, extractors, 'http');
      this.#http.push({
        method,
        pattern: path,
        extractors,
        handler: handler as UntypedHandler,
        origin: routeOrigin(handler) ?? `${method.toLowerCase()}('${path}')`,
      });
      return this;
    };
    return register as HttpRouteMethod<this>;
  }
}

/** The run-time twin of the compile-time checks, for JavaScript callers and casts. */
function checkExtractors(path: string, extractors: readonly AnyExtractor[], kind: 'http' | 'websocket'): void {
  if (extractors.length > 7) throw new TypeError(`${path}: a route takes at most seven extractors, got ${extractors.length}`);
  extractors.forEach((e, i) => {
    if (!e || typeof e.extract !== 'function') throw new TypeError(`${path}: extractor #${i + 1} is not an extractor`);
    if (e.source !== 'body') return;
    if (kind === 'websocket') throw new TypeError(`${path}: ${e.name} reads an HTTP body and cannot be used on a WebSocket route`);
    if (i !== extractors.length - 1) throw new TypeError(`${path}: ${e.name} must be the last extractor`);
  });
}
