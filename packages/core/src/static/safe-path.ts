import { relative, sep } from 'node:path';

/** A request path that may name a file under the root: its segments, in order. */
export interface SafeSegments {
  readonly kind: 'segments';
  /** Decoded path segments; none is empty, `.`, `..`, or holds `/`, `\` or NUL. */
  readonly segments: readonly string[];
  /** True when a segment starts with `.` (a dotfile or dot-directory). */
  readonly dotfile: boolean;
}

/** What {@link parseStaticPath} made of a request path. */
export type StaticPath = SafeSegments | { readonly kind: 'unsafe' };

const UNSAFE: { readonly kind: 'unsafe' } = { kind: 'unsafe' };

/**
 * Splits a decoded wildcard value (`'css/site.css'`) into file-system segments, refusing
 * anything that could leave the root by name alone.
 *
 * The router has already percent-decoded each segment once, so `%2e%2e` arrives as `..` and
 * `%2F` as `/`; both are treated exactly like their literal forms. Refused (`'unsafe'`):
 * `.` and `..` segments, empty segments (`a//b`, and a leading `/` that would make the path
 * absolute), NUL bytes, backslashes (a separator on Windows), and on Windows a `:` (drive
 * letters, alternate data streams). One trailing slash is ignored: the caller reads it from the
 * raw path. The empty string is the root itself (no segments).
 *
 * @example
 * ```ts
 * parseStaticPath('css/site.css'); // { kind: 'segments', segments: ['css', 'site.css'], dotfile: false }
 * parseStaticPath('../etc/passwd'); // { kind: 'unsafe' }
 * ```
 */
export function parseStaticPath(decoded: string, platform: NodeJS.Platform = process.platform): StaticPath {
  if (decoded.startsWith('/')) return UNSAFE;
  const path = decoded.endsWith('/') ? decoded.slice(0, -1) : decoded;
  if (path === '') return { kind: 'segments', segments: [], dotfile: false };
  const segments = path.split('/');
  let dotfile = false;
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return UNSAFE;
    if (segment.includes('\0') || segment.includes('\\')) return UNSAFE;
    if (platform === 'win32' && segment.includes(':')) return UNSAFE;
    if (segment.startsWith('.')) dotfile = true;
  }
  return { kind: 'segments', segments, dotfile };
}

/**
 * True when `real` is `root` or lies below it. Both must be absolute, fully resolved paths
 * (from `fs.realpath`), so no `..` or symlink can fool the comparison.
 *
 * @example
 * ```ts
 * isWithin('/srv/public', '/srv/public/a.txt'); // true
 * isWithin('/srv/public', '/srv/public-old/a.txt'); // false
 * ```
 */
export function isWithin(root: string, real: string): boolean {
  if (real === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return real.startsWith(prefix);
}

/**
 * True when the resolved file, seen from the resolved root, passes through a dot-named entry
 * (a symlink `public/config` → `public/.env` names no dotfile in the URL but reads one).
 */
export function resolvesToDotfile(root: string, real: string): boolean {
  const rel = relative(root, real);
  return rel !== '' && rel.split(sep).some((part) => part.startsWith('.'));
}
