import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeValue } from '@kindling/websocket';
import { parseStaticPath } from './safe-path.js';

/**
 * What to do with a request for a dotfile or dot-directory (`/.env`, `/.git/config`):
 * `'ignore'` answers 404 as if it did not exist, `'deny'` answers 403, `'allow'` serves it.
 */
export type DotfilesPolicy = 'ignore' | 'deny' | 'allow';

/** Options for {@link serveStatic}. See docs/static-files.md. */
export interface ServeStaticOptions {
  /**
   * The file served for a directory request (`/docs/` → `docs/index.html`); `false` answers 404
   * for directories. A directory is never listed. A plain file name: no `/`, `\`, `.` or `..`.
   * @default 'index.html'
   */
  index?: string | false;
  /**
   * Dotfiles (any path segment starting with `.`, in the URL or in the resolved path):
   * `'ignore'` → 404, `'deny'` → 403, `'allow'` → served.
   * @default 'ignore'
   */
  dotfiles?: DotfilesPolicy;
  /**
   * `max-age` of the `Cache-Control` header, in **seconds** (a non-negative integer). With 0
   * the browser revalidates every time, which the `ETag` makes cheap.
   * @default 0
   */
  maxAge?: number;
  /**
   * Adds `immutable` to `Cache-Control`, for file names that change with their content
   * (`app.3f9a1c.js`). Pair it with a long `maxAge`.
   * @default false
   */
  immutable?: boolean;
  /**
   * Whether a directory requested without its trailing slash (`/docs`) is redirected with a
   * 301 to `/docs/` (so relative links in its index resolve). With `false` the index is
   * served at both addresses.
   * @default true
   */
  redirect?: boolean;
  /**
   * The largest file served, in bytes. Files are read whole into memory per request; a larger
   * file is answered 500 (`INTERNAL`) and the reason is logged.
   * @default 52_428_800 (50 MiB)
   */
  maxFileSize?: number;
}

/** {@link ServeStaticOptions} with defaults applied and values checked. */
export interface StaticConfig {
  readonly root: string;
  readonly index: string | false;
  readonly dotfiles: DotfilesPolicy;
  readonly cacheControl: string;
  readonly redirect: boolean;
  readonly maxFileSize: number;
}

const DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024;
const POLICIES: readonly DotfilesPolicy[] = ['ignore', 'deny', 'allow'];

/**
 * Checks the root and the options once, when the routes are built, so a typo fails at start-up
 * rather than as a 404 on every request.
 *
 * @throws TypeError when the root is not an existing directory or an option is out of range.
 */
export function resolveStaticConfig(root: string, options: ServeStaticOptions): StaticConfig {
  if (typeof root !== 'string' || root === '') throw new TypeError('serveStatic(): the root must be a non-empty directory path');
  const absolute = resolve(root);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    throw new TypeError(`serveStatic(): the root '${absolute}' does not exist`);
  }
  if (!isDirectory) throw new TypeError(`serveStatic(): the root '${absolute}' is not a directory`);

  const index = options.index ?? 'index.html';
  if (index !== false) {
    const parsed = typeof index === 'string' ? parseStaticPath(index) : undefined;
    if (parsed?.kind !== 'segments' || parsed.segments.length !== 1 || index.endsWith('/')) {
      throw new TypeError(`serveStatic(): index must be a plain file name or false, got ${JSON.stringify(index)}`);
    }
  }
  const dotfiles = options.dotfiles ?? 'ignore';
  if (!POLICIES.includes(dotfiles)) throw new TypeError(`serveStatic(): dotfiles must be one of ${POLICIES.join(', ')}, got ${JSON.stringify(dotfiles)}`);
  const maxAge = options.maxAge ?? 0;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0)
    throw new TypeError(`serveStatic(): maxAge is in seconds and must be a non-negative integer, got ${describeValue(maxAge)}`);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (!Number.isSafeInteger(maxFileSize) || maxFileSize < 0)
    throw new TypeError(`serveStatic(): maxFileSize must be a non-negative integer, got ${describeValue(maxFileSize)}`);

  return {
    root: absolute,
    index,
    dotfiles,
    cacheControl: `public, max-age=${maxAge}${options.immutable === true ? ', immutable' : ''}`,
    redirect: options.redirect ?? true,
    maxFileSize,
  };
}
