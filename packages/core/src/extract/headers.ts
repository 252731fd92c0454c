import { coerceStringRecord } from '@kindling/websocket';
import { declaredAsDecorator, isRawMarker, usableAsDecorator, type ExtractorDecorator } from '../decorators/param-decorator.js';
import { MissingCookie, MissingHeader } from '../errors/rejections.js';
import type { Extractor } from './extractor.js';
import { extractorName, type DtoClass, type ExtractorDtoOptions } from './dto-class.js';

/**
 * All request headers (lower-case names), or a DTO of them validated like `Query(Dto)`. On a
 * controller parameter, `@Headers()` takes the DTO from the declared type and
 * `@Headers(Object)` gives the record.
 *
 * @example
 * ```ts
 * router.get('/ua', [Headers()], (h) => h['user-agent'] ?? 'unknown');
 * class Ua { @Get('/ua') ua(@Headers(Object) h: Record<string, string>) { return h['user-agent']; } }
 * ```
 */
export function Headers(raw?: ObjectConstructor): ExtractorDecorator<Extractor<Readonly<Record<string, string>>, 'request'>>;
export function Headers<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<T, 'request'>>;
export function Headers(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<unknown, 'request'>> {
  if (dto === undefined) return declaredAsDecorator(rawHeaders(), 'Headers', (cls) => headersOf(cls));
  return usableAsDecorator(isRawMarker(dto) ? rawHeaders() : headersOf(dto, options));
}

function rawHeaders(): Extractor<Readonly<Record<string, string>>, 'request'> {
  return { name: 'Headers()', source: 'request', extract: (ctx) => ctx.headers };
}

function headersOf<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): Extractor<T, 'request'> {
  return {
    name: extractorName('Headers', dto, { fromStrings: true }),
    source: 'request',
    extract: (ctx) => coerceStringRecord(dto, ctx.headers, { ...options, status: 400 }),
  };
}

/** Options for {@link Header} and {@link Cookie}. */
export interface SingleValueOptions {
  /** When true, a missing value is `undefined` instead of a 400. @default false */
  optional?: boolean;
}

/**
 * One header. Missing is a 400 `MISSING_HEADER` unless `{ optional: true }`.
 *
 * @example
 * ```ts
 * router.websocket('/feed', [Header('authorization')], (auth, ws) => ...);
 * ```
 */
export function Header(name: string): ExtractorDecorator<Extractor<string, 'request'>>;
export function Header(name: string, options: { optional: true }): ExtractorDecorator<Extractor<string | undefined, 'request'>>;
export function Header(name: string, options: SingleValueOptions = {}): ExtractorDecorator<Extractor<string | undefined, 'request'>> {
  const key = name.toLowerCase();
  return usableAsDecorator<Extractor<string | undefined, 'request'>>({
    name: `Header(${key})`,
    source: 'request',
    extract(ctx) {
      const value = ctx.headers[key];
      if (value === undefined && !options.optional) throw new MissingHeader(key);
      return value;
    },
  });
}

/**
 * All cookies from the `Cookie` header.
 *
 * @example
 * ```ts
 * router.get('/me', [Cookies()], (c) => c['session'] ?? 'anonymous');
 * ```
 */
export function Cookies(): ExtractorDecorator<Extractor<Readonly<Record<string, string>>, 'request'>> {
  return usableAsDecorator<Extractor<Readonly<Record<string, string>>, 'request'>>({ name: 'Cookies()', source: 'request', extract: (ctx) => ctx.cookies });
}

/**
 * One cookie. Missing is a 400 `MISSING_COOKIE` unless `{ optional: true }`.
 *
 * @example
 * ```ts
 * router.websocket('/live', [Cookie('session')], (session, ws) => ...);
 * ```
 */
export function Cookie(name: string): ExtractorDecorator<Extractor<string, 'request'>>;
export function Cookie(name: string, options: { optional: true }): ExtractorDecorator<Extractor<string | undefined, 'request'>>;
export function Cookie(name: string, options: SingleValueOptions = {}): ExtractorDecorator<Extractor<string | undefined, 'request'>> {
  return usableAsDecorator<Extractor<string | undefined, 'request'>>({
    name: `Cookie(${name})`,
    source: 'request',
    extract(ctx) {
      const value = ctx.cookies[name];
      if (value === undefined && !options.optional) throw new MissingCookie(name);
      return value;
    },
  });
}
