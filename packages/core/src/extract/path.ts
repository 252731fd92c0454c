import { coerceStringRecord } from '@kindling/websocket';
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
 * The route's path parameters. Without a DTO, the type comes from the path literal. With a
 * DTO class, strings are converted to its property types and validated (400 on failure), and
 * every DTO property must be a parameter of the path (a compile error otherwise).
 *
 * @example
 * ```ts
 * router.websocket('/rooms/{room_id}', [Path()], (p, ws) => ws.sendText(p.room_id));
 * router.get('/users/{id}', [Path(UserParams)], (p) => users.get(p.id));
 * ```
 */
export function Path(): PathExtractor<InferredPathParams, never>;
export function Path<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): PathExtractor<T, Extract<keyof T, string>>;
export function Path<T extends object>(dto?: DtoClass<T>, options?: ExtractorDtoOptions): PathExtractor<unknown, string> {
  if (!dto) return { name: 'Path()', source: 'path', extract: (ctx) => ctx.params };
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
 * ```
 */
export function Param<const N extends string>(name: N): PathExtractor<string, N> {
  return {
    name: `Param(${name})`,
    source: 'path',
    extract: (ctx) => ctx.params[name] ?? '',
  };
}
