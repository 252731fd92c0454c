import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors/common-errors.js';
import { createExtractor } from '../extract/extractor.js';
import type { RequestContext } from '../request/request-context.js';
import { Response } from '../response/response.js';
import { Router } from '../router/router.js';
import { isNotModified, validatorsFor } from './conditional.js';
import { contentTypeFor } from './mime-types.js';
import { isWithin, parseStaticPath, resolvesToDotfile } from './safe-path.js';
import { resolveStaticConfig, type ServeStaticOptions, type StaticConfig } from './static-options.js';

/**
 * Serves the files under `root` (resolved against the working directory now) as a router
 * with one `GET` route, `/{*path}`, which also answers `HEAD`; other methods get 405. Nest it
 * under a prefix, or merge it to serve from `/`; more specific routes still win.
 *
 * It sends `Content-Type` (from the extension), `Content-Length`, a weak `ETag`,
 * `Last-Modified` and `Cache-Control`, and answers `If-None-Match` / `If-Modified-Since` with
 * 304. A directory serves its `index.html` (a request without the trailing slash is
 * redirected 301 first); directories are never listed. Dotfiles are 404 unless `dotfiles` says
 * otherwise. Anything that could leave the root — `..` (also as `%2e%2e`), `%2F` tricks,
 * absolute paths, NUL bytes, or a symlink whose real path lies outside — is 404. Files are
 * read whole per request (no streaming, no ranges, no in-memory cache).
 * See docs/static-files.md.
 *
 * @throws TypeError at once when `root` is not an existing directory or an option is invalid.
 * @example
 * ```ts
 * const router = new Router()
 *   .get('/health', () => ({ ok: true }))
 *   .nest('/assets', serveStatic('public', { maxAge: 3600 }));
 * ```
 */
export function serveStatic(root: string, options: ServeStaticOptions = {}): Router {
  const files = new StaticFiles(resolveStaticConfig(root, options));
  return new Router().get('/{*path}', [StaticRequest], (ctx) => files.serve(ctx));
}

const StaticRequest = createExtractor('StaticRequest', (ctx) => ctx);

// O_NONBLOCK keeps a FIFO swapped in after the stat from blocking a libuv thread in open();
// O_NOFOLLOW refuses a symlink swapped in for the checked real path. Both are 0 on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** Errors that mean "no such file here" for a path that passed the safety checks. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EISDIR']);
const NOT_PERMITTED = new Set(['EACCES', 'EPERM']);

type Lookup = { readonly kind: 'file' | 'directory'; readonly real: string } | { readonly kind: 'missing' | 'dotfile' };

class StaticFiles {
  readonly #config: StaticConfig;

  constructor(config: StaticConfig) {
    this.#config = config;
  }

  async serve(ctx: RequestContext): Promise<Response> {
    try {
      return await this.#serve(ctx);
    } catch (err) {
      const code = fileSystemErrorCode(err);
      if (code !== undefined && MISSING.has(code)) return Response.notFound();
      if (code !== undefined && NOT_PERMITTED.has(code)) return Response.forbidden();
      throw err;
    }
  }

  async #serve(ctx: RequestContext): Promise<Response> {
    const parsed = parseStaticPath(ctx.params['path'] ?? '');
    if (parsed.kind === 'unsafe') return Response.notFound();
    if (parsed.dotfile && this.#config.dotfiles !== 'allow') return this.#refuseDotfile();
    // The root's real path is taken per request, so a root that is itself a symlink (a
    // deploy switching `current` → `release-2`) is followed to where it points now.
    const root = await realpath(this.#config.root);
    const target = await this.#lookup(root, join(root, ...parsed.segments));
    const trailingSlash = ctx.path.endsWith('/');
    switch (target.kind) {
      case 'missing':
        return Response.notFound();
      case 'dotfile':
        return this.#refuseDotfile();
      case 'file':
        return trailingSlash ? Response.notFound() : this.#send(target.real, parsed.segments.at(-1) ?? '', ctx);
      case 'directory': {
        const index = this.#config.index;
        if (index === false) return Response.notFound();
        if (!trailingSlash && this.#config.redirect) return Response.redirect(withTrailingSlash(ctx), 301);
        const file = await this.#lookup(root, join(target.real, index));
        if (file.kind === 'dotfile') return this.#refuseDotfile();
        return file.kind === 'file' ? this.#send(file.real, index, ctx) : Response.notFound();
      }
    }
  }

  /** Resolves symlinks and checks the result is still under the root and not a dotfile. */
  async #lookup(root: string, candidate: string): Promise<Lookup> {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (err) {
      if (MISSING.has(fileSystemErrorCode(err) ?? '')) return { kind: 'missing' };
      throw err;
    }
    if (!isWithin(root, real)) return { kind: 'missing' };
    if (this.#config.dotfiles !== 'allow' && resolvesToDotfile(root, real)) return { kind: 'dotfile' };
    const stats = await stat(real);
    if (stats.isFile()) return { kind: 'file', real };
    if (stats.isDirectory()) return { kind: 'directory', real };
    return { kind: 'missing' };
  }

  /** Answers with the file at `real`; `name` (as requested, before symlinks) picks the content type. */
  async #send(real: string, name: string, ctx: RequestContext): Promise<Response> {
    const handle = await open(real, OPEN_FLAGS);
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return Response.notFound();
      if (stats.size > this.#config.maxFileSize) {
        throw new InternalError(`serveStatic: ${real} is ${stats.size} bytes, over maxFileSize (${this.#config.maxFileSize})`);
      }
      const validators = validatorsFor(stats.size, stats.mtimeMs);
      const headers = { etag: validators.etag, 'last-modified': validators.lastModified, 'cache-control': this.#config.cacheControl };
      if (isNotModified(ctx.headers, validators)) return new Response(undefined, 304, headers);
      // HEAD reads the file too: the pipeline reports the body's length as Content-Length.
      const body = await handle.readFile();
      return new Response(body, 200, { ...headers, 'content-type': contentTypeFor(name) });
    } finally {
      await handle.close();
    }
  }

  #refuseDotfile(): Response {
    return this.#config.dotfiles === 'deny' ? Response.forbidden() : Response.notFound();
  }
}

/**
 * The request's own path plus `/`, keeping its query. Leading slashes are collapsed so the
 * location can never read as `//other.host/` (an open redirect).
 */
function withTrailingSlash(ctx: RequestContext): string {
  const path = `/${ctx.path.replace(/^\/+/, '')}/`;
  return ctx.rawQuery === '' ? path : `${path}?${ctx.rawQuery}`;
}

/** The `ENOENT`-style code of a Node file-system error (not of an `HttpError`, which has a code too). */
function fileSystemErrorCode(err: unknown): string | undefined {
  const { errno, code } = (err ?? {}) as NodeJS.ErrnoException;
  return typeof errno === 'number' && typeof code === 'string' ? code : undefined;
}
