import { coerceStringRecord } from '@kindling/websocket';
import { declaredAsDecorator, isRawMarker, usableAsDecorator, type ExtractorDecorator } from '../decorators/param-decorator.js';
import type { Extractor } from './extractor.js';
import { extractorName, type DtoClass, type ExtractorDtoOptions } from './dto-class.js';

declare const inferredPathParams: unique symbol;

/**
 * Stands for "the path parameters of the route this extractor is used on". The router
 * replaces it with an object type built from the path literal, so `Path()` on
 * `/rooms/{room_id}` gives the handler `{ room_id: string }`.
 */
export interface InferredPathParams {
  readonly [inferredPathParams]: true;
}

/** An extractor of path parameters; `TKeys` names the parameters it requires. */
export interface PathExtractor<T, TKeys extends string = string> extends Extractor<T, 'path'> {
  /** Phantom: the parameter names this extractor needs (checked against the path literal). */
  readonly __pathKeys?: TKeys;
}

/**
 * `Path()` without a DTO. Its phantom key list is pinned to `never` so that the route's
 * compile-time path check still infers "no required keys" through the decorator signature.
 */
export type RawPathDecorator = ExtractorDecorator<PathExtractor<InferredPathParams, never>> & { readonly __pathKeys: never };

/**
 * The route's path parameters. Without a DTO, the type comes from the path literal. With a
 * DTO class, strings are converted to its property types and validated (400 on failure), and
 * every DTO property must be a parameter of the path (a compile error otherwise). On a
 * controller parameter: `@Path()` takes the DTO from the declared type, `@Path(Dto)` names it,
 * `@Path(Object)` gives the raw strings.
 *
 * @example
 * ```ts
 * router.websocket('/rooms/{room_id}', [Path()], (p, ws) => ws.sendText(p.room_id));
 * router.get('/users/{id}', [Path(UserParams)], (p) => users.get(p.id));
 * class Users { @Get('/users/{id}') one(@Path() p: UserParams) { return users.get(p.id); } }
 * ```
 */
export function Path(raw?: ObjectConstructor): RawPathDecorator;
export function Path<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<PathExtractor<T, Extract<keyof T, string>>>;
export function Path(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<PathExtractor<unknown, string>> {
  if (dto === undefined) return declaredAsDecorator(rawPath(), 'Path', (cls) => pathOf(cls));
  return usableAsDecorator(isRawMarker(dto) ? rawPath() : pathOf(dto, options));
}

function rawPath(): PathExtractor<unknown, string> {
  return { name: 'Path()', source: 'path', extract: (ctx) => ctx.params };
}

function pathOf<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): PathExtractor<T, string> {
  return {
    name: extractorName('Path', dto, { fromStrings: true }),
    source: 'path',
    extract: (ctx) => coerceStringRecord(dto, ctx.params, { ...options, status: 400 }),
  };
}

/**
 * One path parameter as a string. The name must appear in the route's path (a compile
 * error otherwise).
 *
 * @example
 * ```ts
 * router.get('/files/{*rest}', [Param('rest')], (rest) => rest);
 * class Files { @Get('/files/{*rest}') read(@Param('rest') rest: string) { return rest; } }
 * ```
 */
export function Param<const N extends string>(name: N): ExtractorDecorator<PathExtractor<string, N>> {
  return usableAsDecorator<PathExtractor<string, N>>({
    name: `Param(${name})`,
    source: 'path',
    extract: (ctx) => ctx.params[name] ?? '',
  });
}
