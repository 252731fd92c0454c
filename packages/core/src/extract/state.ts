import { usableAsDecorator, type ExtractorDecorator } from '../decorators/param-decorator.js';
import { MissingDependency } from '../errors/rejections.js';
import type { ExtensionKey } from '../request/request-context.js';
import type { Extractor } from './extractor.js';

/**
 * The app state set with `router.state(value)`. The type parameter states what you stored;
 * Kindling does not check it at run time.
 *
 * @example
 * ```ts
 * router.state(new AppState()).get('/count', [State<AppState>()], (s) => ({ n: s.count }));
 * class Stats { @Get('/count') count(@State() s: AppState) { return { n: s.count }; } }
 * ```
 */
export function State<T>(): ExtractorDecorator<Extractor<T, 'request'>> {
  return usableAsDecorator<Extractor<T, 'request'>>({
    name: 'State()',
    source: 'request',
    extract(ctx) {
      if (ctx.state === undefined) throw new MissingDependency('App state (router.state(...))');
      return ctx.state as T;
    },
  });
}

/**
 * A value registered with `router.extension(instance)`, looked up by its class.
 *
 * @example
 * ```ts
 * router.extension(new Database()).get('/users', [Extension(Database)], (db) => db.users());
 * class Users { @Get('/users') list(@Extension(Database) db: Database) { return db.users(); } }
 * ```
 */
export function Extension<T>(key: ExtensionKey<T>): ExtractorDecorator<Extractor<T, 'request'>> {
  const name = `Extension(${key.name})`;
  return usableAsDecorator<Extractor<T, 'request'>>({
    name,
    source: 'request',
    extract(ctx) {
      const value = ctx.extensions.get(key);
      if (value === undefined) throw new MissingDependency(`Extension ${key.name} (router.extension(...))`);
      return value as T;
    },
  });
}
