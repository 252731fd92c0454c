/**
 * Route path patterns: parsing, validation and joining. See docs/routing.md.
 *
 * Syntax, one segment between slashes at a time:
 * - `users`        a static segment. It is percent-decoded once here, so `/caf%C3%A9` and
 *                  `/café` are the same route; escape a literal `:`, `*`, `{` or `}` as
 *                  `%3A`, `%2A`, `%7B`, `%7D`.
 * - `{id}`, `:id`  a parameter: matches one non-empty segment.
 * - `{*rest}`      a named tail wildcard: matches the rest of the path, possibly empty.
 * - `*`            an anonymous tail wildcard; its value is reported under the name `'*'`.
 *
 * A parameter or wildcard fills its whole segment (`/file-{id}.txt` is rejected) and a wildcard
 * is always the last segment. Names are ASCII identifiers (`[A-Za-z_][A-Za-z0-9_]*`, not
 * `__proto__`). A trailing slash is kept as a final empty static segment, so a router that
 * treats `/a/` and `/a` differently can tell them apart; `/` alone has no segments.
 */

/** One segment of a parsed {@link PathPattern}. */
export type PathSegment =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'wildcard'; readonly name: string };

/** A route path after {@link parsePathPattern} checked it. */
export interface PathPattern {
  /** The path exactly as registered, e.g. `'/rooms/{room_id}'`. */
  readonly source: string;
  /** The segments between slashes; static values are percent-decoded. */
  readonly segments: readonly PathSegment[];
  /** Parameter and wildcard names in path order, e.g. `['room_id']`. */
  readonly paramNames: readonly string[];
}

/** The name given to an anonymous `*` tail wildcard. */
export const ANONYMOUS_WILDCARD = '*';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses and validates a route path such as `'/rooms/{room_id}'`, `'/users/:id'`,
 * `'/files/{*rest}'` or `'/static/*'`.
 *
 * @throws TypeError naming the path when it does not start with `/`, has an empty segment
 * (`//`), an empty, invalid or duplicate parameter name, unbalanced braces, a parameter that
 * does not fill its segment, a wildcard that is not last, a `?` or `#`, or a bad `%` escape.
 * @example
 * ```ts
 * parsePathPattern('/rooms/{room_id}/files/*').paramNames; // ['room_id', '*']
 * ```
 */
export function parsePathPattern(path: string): PathPattern {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`Route path ${JSON.stringify(path)} must start with '/'.`);
  }
  const bad = path.search(/[?#]/);
  if (bad !== -1) {
    throw invalid(path, `'${path[bad]}' cannot appear in a route path (it starts a query string or fragment)`);
  }
  const raw = path === '/' ? [] : path.slice(1).split('/');
  const segments: PathSegment[] = [];
  const paramNames: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const text = raw[i] ?? '';
    const isLast = i === raw.length - 1;
    if (text === '' && !isLast) throw invalid(path, 'it has an empty segment (`//`)');
    const segment = parseSegment(path, text);
    if (segment.kind !== 'static') {
      if (paramNames.includes(segment.name)) {
        throw invalid(path, `the parameter name '${segment.name}' is used twice`);
      }
      paramNames.push(segment.name);
    }
    if (segment.kind === 'wildcard' && !isLast) {
      throw invalid(path, `the wildcard '${text}' must be the last segment`);
    }
    segments.push(segment);
  }
  return { source: path, segments, paramNames };
}

function parseSegment(path: string, text: string): PathSegment {
  if (text === '*') return { kind: 'wildcard', name: ANONYMOUS_WILDCARD };
  if (text.startsWith('{') && text.endsWith('}') && text.length >= 2) {
    const inner = text.slice(1, -1);
    if (inner.includes('{') || inner.includes('}')) throw invalid(path, `unbalanced or nested braces in '${text}'`);
    return inner.startsWith('*') ? { kind: 'wildcard', name: checkName(path, inner.slice(1), text) } : { kind: 'param', name: checkName(path, inner, text) };
  }
  if (text.startsWith(':')) return { kind: 'param', name: checkName(path, text.slice(1), text) };
  const open = text.split('{').length - 1;
  const close = text.split('}').length - 1;
  if (open !== close) throw invalid(path, `unbalanced braces in '${text}'`);
  if (open > 0) throw invalid(path, `a parameter must fill its whole segment, unlike '${text}'`);
  if (text.includes('*')) throw invalid(path, `'*' must fill its whole segment, unlike '${text}' (escape it as %2A)`);
  try {
    return { kind: 'static', value: decodeURIComponent(text) };
  } catch {
    throw invalid(path, `'${text}' has a malformed percent-escape`);
  }
}

function checkName(path: string, name: string, text: string): string {
  if (name === '') throw invalid(path, `'${text}' has an empty parameter name`);
  if (!NAME.test(name) || name === '__proto__') {
    throw invalid(path, `'${name}' in '${text}' is not a valid parameter name (use letters, digits and '_')`);
  }
  return name;
}

function invalid(path: string, reason: string): TypeError {
  return new TypeError(`Invalid route path '${path}': ${reason}.`);
}

/**
 * Joins a mount prefix and a route path, as `router.nest(prefix, child)` does.
 *
 * Runs of slashes collapse to one; the prefix's trailing slash is dropped; the result keeps the
 * path's trailing slash. A path of `'/'` or `''` stands for the prefix itself. The result is
 * not validated: pass it to {@link parsePathPattern}.
 *
 * @throws TypeError when a non-empty prefix or path does not start with `/`.
 * @example
 * ```ts
 * joinPaths('/api', '/');         // '/api'
 * joinPaths('/api/', '/users/');  // '/api/users/'
 * joinPaths('/', '/users');       // '/users'
 * ```
 */
export function joinPaths(prefix: string, path: string): string {
  for (const part of [prefix, path]) {
    if (part !== '' && !part.startsWith('/')) {
      throw new TypeError(`Cannot join route paths: ${JSON.stringify(part)} must start with '/'.`);
    }
  }
  const head = collapseSlashes(prefix).replace(/\/$/, '');
  const tail = collapseSlashes(path);
  if (tail === '' || tail === '/') return head === '' ? '/' : head;
  return head + tail;
}

function collapseSlashes(part: string): string {
  return part.replace(/\/{2,}/g, '/');
}
