import { coerceStringRecord } from '@kindling/websocket';
import { declaredAsDecorator, isRawMarker, usableAsDecorator, type ExtractorDecorator } from '../decorators/param-decorator.js';
import type { QueryRecord } from '../request/query-string.js';
import type { Extractor } from './extractor.js';
import { extractorName, type DtoClass, type ExtractorDtoOptions } from './dto-class.js';

/**
 * The query string. Without a DTO: a record of strings (arrays for repeated keys). With a DTO
 * class: strings converted to its property types and validated; failure is a 400
 * `VALIDATION_FAILED` listing each property, and a repeated key into a scalar property is a
 * failure, not a silent pick. A malformed escape is a 400 `MALFORMED_URI`. On a controller
 * parameter, `@Query()` takes the DTO from the declared type and `@Query(Object)` gives the raw
 * record.
 *
 * @example
 * ```ts
 * class WsQuery { @IsString() token!: string; @IsOptional() @IsInt() since?: number; }
 * router.websocket('/feed', [Query(WsQuery)], (q, ws) => ws.sendJson({ since: q.since }));
 * class Feed { @WebSocket('/feed') join(@Query() q: WsQuery, @Conn() ws: WebSocketConnection) {} }
 * ```
 */
export function Query(raw?: ObjectConstructor): ExtractorDecorator<Extractor<QueryRecord, 'request'>>;
export function Query<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<T, 'request'>>;
export function Query(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<unknown, 'request'>> {
  if (dto === undefined) return declaredAsDecorator(rawQuery(), 'Query', (cls) => queryOf(cls));
  return usableAsDecorator(isRawMarker(dto) ? rawQuery() : queryOf(dto, options));
}

function rawQuery(): Extractor<QueryRecord, 'request'> {
  return { name: 'Query()', source: 'request', extract: (ctx) => ctx.query };
}

function queryOf<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): Extractor<T, 'request'> {
  return {
    name: extractorName('Query', dto, { fromStrings: true }),
    source: 'request',
    extract: (ctx) => coerceStringRecord(dto, ctx.query, { ...options, status: 400 }),
  };
}
