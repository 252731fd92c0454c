/**
 * The segment tree that maps a method and a request path to a route. See docs/routing.md.
 *
 * Matching rules
 * - Paths are compared segment by segment (the text between slashes). At each segment a static
 *   segment beats a parameter, which beats a tail wildcard. When the preferred branch dead-ends
 *   the search backtracks: with `/a/b/c` and `/a/{x}/d`, the path `/a/b/d` matches the second.
 * - The method takes part in the search: the first route in that order whose method fits wins,
 *   so `POST /a/b` reaches `POST /a/{x}` even when `GET /a/b` exists. At one route shape an
 *   exact method beats a `GET` standing in for `HEAD`, which beats `ANY`.
 * - `HEAD` falls back to the `GET` route when the path has no `HEAD` route (the caller sends no
 *   body). `ANY` matches every method.
 * - 405 (`method-not-allowed`) only when no route fits the method but some route matches the
 *   path under another method. `allow` lists those methods, sorted, with `HEAD` added wherever
 *   `GET` is, never `ANY` (a path with an `ANY` route always matches). Otherwise 404.
 * - Parameters match one non-empty segment; an empty segment (`//`) is never a parameter.
 *   A tail wildcard captures the rest of the path, possibly empty: `/files/{*rest}` matches
 *   `/files`, `/files/` (rest `''`) and `/files/a/b` (rest `'a/b'`).
 * - Decoding: the path arrives still percent-encoded. It is split on `/` first and each segment
 *   is then decoded with `decodeURIComponent`, so `%2F` inside a parameter is a `/` in its value
 *   and never a separator. Static segments are compared decoded too (`/caf%C3%A9` matches the
 *   route `/café`); no Unicode normalisation is applied. A wildcard value is its segments
 *   decoded one by one and joined with `/` (so in a wildcard value `%2F` and `/` look alike).
 *   `+` is not a space in a path.
 * - A malformed escape anywhere in the path (`%zz`, a truncated or invalid UTF-8 sequence such
 *   as `%E0%A4%A`) makes the whole request `malformed` (answer 400), whether or not a route
 *   would have matched. Matching never throws.
 * - Trailing slash: by default (`strictTrailingSlash: false`) one trailing slash is ignored on
 *   both routes and requests, so `/a/` matches `/a` and registering both `/a` and `/a/` for one
 *   method is a conflict. With `strictTrailingSlash: true` they are different routes and each
 *   matches only its own spelling. `/` is the root under both policies.
 * - Registering one method twice on the same shape (parameter names aside: `/a/{x}` and
 *   `/a/:y`; `/f/*` and `/f/{*rest}`) throws an Error naming both paths.
 * - A path that does not start with `/` is not found. Methods are upper-case (`'GET'`); the
 *   caller normalises them.
 *
 * When the path holds no `%`, matching allocates only the result, its params object and the
 * parameter strings; no regular expressions, no recursion.
 */
import { parsePathPattern, type PathPattern } from './path-pattern.js';

/** What {@link RouteTree.match} found for a method and path. */
export type RouteMatch<T> =
  | { readonly kind: 'found'; readonly value: T; readonly params: Record<string, string>; readonly pattern: string }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'malformed'; readonly segment: string };

/** Options for {@link RouteTree}. */
export interface RouteTreeOptions {
  /**
   * When true, `/a/` and `/a` are different routes; when false one trailing slash is ignored.
   * @default false
   */
  readonly strictTrailingSlash?: boolean;
}

interface Route<T> {
  readonly method: string;
  readonly pattern: string;
  readonly value: T;
  readonly paramNames: readonly string[];
}

interface StaticEdge<T> {
  readonly key: string;
  readonly node: TreeNode<T>;
}

/** Method name → route, for one route shape. */
type Leaf<T> = Map<string, Route<T>>;

/** Above this many static children a node indexes them by (length, first char). */
const LINEAR_SCAN_LIMIT = 8;

class TreeNode<T> {
  statics: StaticEdge<T>[] = [];
  index: Map<number, StaticEdge<T>[]> | null = null;
  param: TreeNode<T> | null = null;
  routes: Leaf<T> | null = null;
  wildcard: Leaf<T> | null = null;
}

const NO_EDGES: readonly StaticEdge<never>[] = [];
const NOT_FOUND = Object.freeze({ kind: 'not-found' as const });
const METHOD = /^[A-Z][A-Z0-9_-]*$/;

/**
 * Maps `(method, path)` to a registered value, with params, by walking a tree of path segments.
 *
 * @example
 * ```ts
 * const tree = new RouteTree<string>();
 * tree.insert('GET', '/rooms/{room_id}', 'room');
 * tree.match('GET', '/rooms/42'); // { kind: 'found', value: 'room', params: { room_id: '42' }, pattern: '/rooms/{room_id}' }
 * tree.match('POST', '/rooms/42'); // { kind: 'method-not-allowed', allow: ['GET', 'HEAD'] }
 * ```
 */
export class RouteTree<T> {
  readonly #strict: boolean;
  readonly #root = new TreeNode<T>();
  readonly #routes: Route<T>[] = [];
  // Search scratch, one slot per depth (= segment index). Reused because match() runs to
  // completion without calling out, so no two searches ever share it.
  readonly #nodes: TreeNode<T>[] = [];
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #next: number[] = [];

  constructor(options: RouteTreeOptions = {}) {
    this.#strict = options.strictTrailingSlash ?? false;
  }

  /**
   * Registers `value` for `method` (upper-case, or `'ANY'`) at `pattern`.
   * @throws TypeError for an invalid pattern or method; Error when the method is already
   * registered on the same shape, naming both paths.
   */
  insert(method: string, pattern: string, value: T): void {
    if (!METHOD.test(method)) {
      throw new TypeError(`Invalid method ${JSON.stringify(method)} for '${pattern}': use an upper-case HTTP method or 'ANY'.`);
    }
    const parsed = parsePathPattern(pattern);
    const segments = this.#strict ? parsed.segments : withoutTrailingSlash(parsed);
    let node = this.#root;
    let leafOf: 'routes' | 'wildcard' = 'routes';
    for (const segment of segments) {
      if (segment.kind === 'static') node = staticChild(node, segment.value);
      else if (segment.kind === 'param') node = node.param ??= new TreeNode<T>();
      else leafOf = 'wildcard';
    }
    const leaf = (node[leafOf] ??= new Map());
    const existing = leaf.get(method);
    if (existing !== undefined) {
      throw new Error(`Route conflict: ${method} '${pattern}' has the same shape as ${method} '${existing.pattern}', registered before.`);
    }
    const route: Route<T> = { method, pattern, value, paramNames: parsed.paramNames };
    leaf.set(method, route);
    this.#routes.push(route);
  }

  /**
   * Finds the route for `method` (upper-case) and `path` (no query string, still
   * percent-encoded). Never throws.
   */
  match(method: string, path: string): RouteMatch<T> {
    if (path.charCodeAt(0) !== 47 /* '/' */) return NOT_FOUND;
    let end = path.length;
    if (!this.#strict && end > 1 && path.charCodeAt(end - 1) === 47) end--;
    let decoded: string[] | null = null;
    if (path.includes('%')) {
      decoded = end === 1 ? [] : path.slice(1, end).split('/');
      for (let i = 0; i < decoded.length; i++) {
        const segment = decoded[i] ?? '';
        if (!segment.includes('%')) continue;
        try {
          decoded[i] = decodeURIComponent(segment);
        } catch {
          return { kind: 'malformed', segment };
        }
      }
    }
    const found = this.#search(method, path, end, decoded, null);
    if (found !== undefined) return found;
    const allowed = new Set<string>();
    this.#search(null, path, end, decoded, allowed);
    if (allowed.size === 0) return NOT_FOUND;
    // `allowed` never holds ANY here: a path with an ANY route always matches.
    if (allowed.has('GET')) allowed.add('HEAD');
    return { kind: 'method-not-allowed', allow: [...allowed].sort() };
  }

  /** Every registered route, in registration order. */
  routes(): Array<{ method: string; pattern: string; value: T }> {
    return this.#routes.map(({ method, pattern, value }) => ({ method, pattern, value }));
  }

  /**
   * Depth-first search in precedence order with an explicit stack, so path length never
   * bounds recursion. With `method` null it collects the methods of every route matching the
   * path into `allowed` and finds nothing.
   */
  #search(method: string | null, path: string, end: number, decoded: string[] | null, allowed: Set<string> | null): RouteMatch<T> | undefined {
    const nodes = this.#nodes;
    const starts = this.#starts;
    const ends = this.#ends;
    const next = this.#next;
    // Raw mode: segment d spans path[starts[d], ends[d]) and the path is used up once
    // starts[d] > end; `end === 1` is the root path, which has no segments.
    const count = decoded !== null ? decoded.length : -1;
    let depth = 0;
    nodes[0] = this.#root;
    starts[0] = end === 1 ? 2 : 1;
    next[0] = 0;
    while (depth >= 0) {
      const node = nodes[depth] as TreeNode<T>;
      const start = starts[depth] as number;
      const step = next[depth] as number;
      next[depth] = step + 1;
      if (decoded !== null ? depth >= count : start > end) {
        if (step >= 2) {
          depth--;
          continue;
        }
        const leaf = step === 0 ? node.routes : node.wildcard;
        const route = leaf === null ? undefined : pick(leaf, method, allowed);
        if (route !== undefined) return this.#found(route, path, end, depth, decoded);
        continue;
      }
      let child: TreeNode<T> | null = null;
      if (step === 0) {
        // Without the trailing slash, path[end] is that '/', so the search never passes end.
        let stop = decoded !== null ? -1 : path.indexOf('/', start);
        if (stop === -1) stop = end;
        ends[depth] = stop;
        child = findStatic(node, path, start, stop, decoded === null ? null : (decoded[depth] as string));
      } else if (step === 1) {
        const empty = decoded !== null ? decoded[depth] === '' : ends[depth] === start;
        if (!empty) child = node.param;
      } else if (step === 2) {
        const route = node.wildcard === null ? undefined : pick(node.wildcard, method, allowed);
        if (route !== undefined) return this.#found(route, path, end, depth, decoded);
      } else {
        depth--;
      }
      if (child !== null) {
        const stop = ends[depth] as number;
        depth++;
        nodes[depth] = child;
        starts[depth] = stop + 1;
        next[depth] = 0;
      }
    }
    return undefined;
  }

  /**
   * Builds the params of `route`: one per parameter branch taken above `depth`, then the
   * wildcard (if the route has one) from segment `depth` to the end.
   */
  #found(route: Route<T>, path: string, end: number, depth: number, decoded: string[] | null): RouteMatch<T> {
    const params: Record<string, string> = {};
    const names = route.paramNames;
    const starts = this.#starts;
    let n = 0;
    for (let d = 0; d < depth && n < names.length; d++) {
      // next[d] === 2: the parameter branch was the last one entered at depth d.
      if (this.#next[d] !== 2) continue;
      params[names[n++] as string] = decoded !== null ? (decoded[d] as string) : path.slice(starts[d], this.#ends[d]);
    }
    if (n < names.length) {
      // Past the end this is '' in both modes: slice(start > end) and slice(depth >= length).
      params[names[n] as string] = decoded !== null ? decoded.slice(depth).join('/') : path.slice(starts[depth], end);
    }
    return { kind: 'found', value: route.value, params, pattern: route.pattern };
  }
}

/** The route in `leaf` that serves `method`; with `method` null, records the leaf's methods. */
function pick<T>(leaf: Leaf<T>, method: string | null, allowed: Set<string> | null): Route<T> | undefined {
  if (method === null) {
    for (const name of leaf.keys()) allowed?.add(name);
    return undefined;
  }
  return leaf.get(method) ?? (method === 'HEAD' ? leaf.get('GET') : undefined) ?? leaf.get('ANY');
}

function findStatic<T>(node: TreeNode<T>, path: string, start: number, stop: number, segment: string | null): TreeNode<T> | null {
  const length = segment !== null ? segment.length : stop - start;
  let edges: readonly StaticEdge<T>[] = node.statics;
  if (node.index !== null) {
    const first = segment !== null ? segment.charCodeAt(0) : length === 0 ? NaN : path.charCodeAt(start);
    edges = node.index.get(bucketKey(length, first)) ?? NO_EDGES;
  }
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i] as StaticEdge<T>;
    if (edge.key.length !== length) continue;
    if (segment !== null ? edge.key === segment : path.startsWith(edge.key, start)) return edge.node;
  }
  return null;
}

/** A small-integer key from a segment's length and first UTF-16 unit. */
function bucketKey(length: number, first: number): number {
  return Math.min(length, 0x3fff) * 0x10000 + (Number.isNaN(first) ? 0 : first);
}

function staticChild<T>(node: TreeNode<T>, key: string): TreeNode<T> {
  const candidates = node.index === null ? node.statics : (node.index.get(bucketKey(key.length, key.charCodeAt(0))) ?? NO_EDGES);
  const existing = candidates.find((edge) => edge.key === key);
  if (existing !== undefined) return existing.node;
  const edge: StaticEdge<T> = { key, node: new TreeNode<T>() };
  node.statics.push(edge);
  if (node.index !== null) addToIndex(node.index, edge);
  else if (node.statics.length > LINEAR_SCAN_LIMIT) {
    node.index = new Map();
    for (const e of node.statics) addToIndex(node.index, e);
  }
  return edge.node;
}

function addToIndex<T>(index: Map<number, StaticEdge<T>[]>, edge: StaticEdge<T>): void {
  const key = bucketKey(edge.key.length, edge.key.charCodeAt(0));
  const bucket = index.get(key);
  if (bucket === undefined) index.set(key, [edge]);
  else bucket.push(edge);
}

function withoutTrailingSlash(pattern: PathPattern): PathPattern['segments'] {
  const last = pattern.segments.at(-1);
  return last?.kind === 'static' && last.value === '' ? pattern.segments.slice(0, -1) : pattern.segments;
}
