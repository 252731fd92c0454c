/**
 * The built-in extractors, each also usable as a parameter decorator: `[Query(WsQuery)]` in a
 * route, `@Query(WsQuery)` in a controller. Left without a class, a decorator takes it from
 * the parameter's declared type (`design:paramtypes`); `Object` asks for the raw record.
 * See docs/controllers.md and docs/extractors.md.
 */
import { RequestId as requestId, RemoteAddress as remoteAddress, Protocol as protocol } from '../extract/connection-info.js';
import type { DtoClass, ExtractorDtoOptions } from '../extract/dto-class.js';
import type { Extractor } from '../extract/extractor.js';
import { Cookie as cookie, Cookies as cookies, Header as header, Headers as headers, type SingleValueOptions } from '../extract/headers.js';
import { Json as json } from '../extract/json.js';
import { Param as param, Path as path, type InferredPathParams, type PathExtractor } from '../extract/path.js';
import { Query as query } from '../extract/query.js';
import { Extension as extension, State as state } from '../extract/state.js';
import type { QueryRecord } from '../request/query-string.js';
import type { ExtensionKey } from '../request/request-context.js';
import { declaredAsDecorator, isRawMarker, usableAsDecorator, type ExtractorDecorator } from './param-decorator.js';

/**
 * `Path()` without a DTO. Its phantom key list is pinned to `never` so that the route's
 * compile-time path check still infers "no required keys" through the decorator signature.
 */
export type RawPathDecorator = ExtractorDecorator<PathExtractor<InferredPathParams, never>> & { readonly __pathKeys: never };

/**
 * The route's path parameters. In a route: `Path()` is typed from the path literal and
 * `Path(Dto)` converts and validates. On a controller parameter: `@Path()` takes the DTO from
 * the declared type, `@Path(Dto)` names it, `@Path(Object)` gives the raw strings.
 *
 * @example
 * ```ts
 * router.get('/users/{id}', [Path(UserParams)], (p) => users.get(p.id));
 * class Users { @Get('/users/{id}') one(@Path() p: UserParams) { return users.get(p.id); } }
 * ```
 */
export function Path(raw?: ObjectConstructor): RawPathDecorator;
export function Path<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<PathExtractor<T, Extract<keyof T, string>>>;
export function Path(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<PathExtractor<unknown, string>> {
  if (dto === undefined) return declaredAsDecorator(path(), 'Path', (cls) => path(cls));
  return usableAsDecorator(isRawMarker(dto) ? path() : path(dto, options));
}

/**
 * One path parameter as a string; the name must appear in the route's path.
 *
 * @example
 * ```ts
 * router.get('/files/{*rest}', [Param('rest')], (rest) => rest);
 * class Files { @Get('/files/{*rest}') read(@Param('rest') rest: string) { return rest; } }
 * ```
 */
export function Param<const N extends string>(name: N): ExtractorDecorator<PathExtractor<string, N>> {
  return usableAsDecorator(param(name));
}

/**
 * The query string: a record of strings, or a DTO converted and validated (400 on failure).
 * On a controller parameter, `@Query()` takes the DTO from the declared type and
 * `@Query(Object)` gives the raw record.
 *
 * @example
 * ```ts
 * router.websocket('/feed', [Query(WsQuery)], (q, ws) => ws.sendJson({ since: q.since }));
 * class Feed { @WebSocket('/feed') join(@Query() q: WsQuery, @Conn() ws: WebSocketConnection) {} }
 * ```
 */
export function Query(raw?: ObjectConstructor): ExtractorDecorator<Extractor<QueryRecord, 'request'>>;
export function Query<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<T, 'request'>>;
export function Query(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<unknown, 'request'>> {
  if (dto === undefined) return declaredAsDecorator(query(), 'Query', (cls) => query(cls));
  return usableAsDecorator(isRawMarker(dto) ? query() : query(dto, options));
}

/**
 * All request headers (lower-case names), or a DTO of them. On a controller parameter,
 * `@Headers()` takes the DTO from the declared type and `@Headers(Object)` gives the record.
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
  if (dto === undefined) return declaredAsDecorator(headers(), 'Headers', (cls) => headers(cls));
  return usableAsDecorator(isRawMarker(dto) ? headers() : headers(dto, options));
}

/**
 * One header; missing is a 400 `MISSING_HEADER` unless `{ optional: true }`.
 *
 * @example
 * ```ts
 * router.websocket('/feed', [Header('authorization')], (auth, ws) => ws.sendText(auth));
 * ```
 */
export function Header(name: string): ExtractorDecorator<Extractor<string, 'request'>>;
export function Header(name: string, options: { optional: true }): ExtractorDecorator<Extractor<string | undefined, 'request'>>;
export function Header(name: string, options: SingleValueOptions = {}): ExtractorDecorator<Extractor<string | undefined, 'request'>> {
  return usableAsDecorator(options.optional ? header(name, { optional: true }) : header(name));
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
  return usableAsDecorator(cookies());
}

/**
 * One cookie; missing is a 400 `MISSING_COOKIE` unless `{ optional: true }`.
 *
 * @example
 * ```ts
 * router.websocket('/live', [Cookie('session')], (session, ws) => ws.sendText(session));
 * ```
 */
export function Cookie(name: string): ExtractorDecorator<Extractor<string, 'request'>>;
export function Cookie(name: string, options: { optional: true }): ExtractorDecorator<Extractor<string | undefined, 'request'>>;
export function Cookie(name: string, options: SingleValueOptions = {}): ExtractorDecorator<Extractor<string | undefined, 'request'>> {
  return usableAsDecorator(options.optional ? cookie(name, { optional: true }) : cookie(name));
}

/**
 * The app state set with `router.state(value)`; the type parameter is not checked at run time.
 *
 * @example
 * ```ts
 * router.get('/count', [State<AppState>()], (s) => ({ n: s.count }));
 * class Stats { @Get('/count') count(@State() s: AppState) { return { n: s.count }; } }
 * ```
 */
export function State<T>(): ExtractorDecorator<Extractor<T, 'request'>> {
  return usableAsDecorator(state<T>());
}

/**
 * A value registered with `router.extension(instance)`, looked up by its class.
 *
 * @example
 * ```ts
 * router.get('/users', [Extension(Database)], (db) => db.users());
 * class Users { @Get('/users') list(@Extension(Database) db: Database) { return db.users(); } }
 * ```
 */
export function Extension<T>(key: ExtensionKey<T>): ExtractorDecorator<Extractor<T, 'request'>> {
  return usableAsDecorator(extension(key));
}

/**
 * The JSON request body of an HTTP route, parsed and (with a DTO) validated; 422 on failure.
 * On a controller, `@Body()` says the same and also serves `@OnMessage` routes.
 *
 * @example
 * ```ts
 * router.post('/rooms', [Json(CreateRoom)], (body) => Response.created({ name: body.name }));
 * ```
 */
export function Json(raw?: ObjectConstructor): ExtractorDecorator<Extractor<unknown, 'body'>>;
export function Json<T extends object>(dto: DtoClass<T>, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<T, 'body'>>;
export function Json(dto?: DtoClass, options?: ExtractorDtoOptions): ExtractorDecorator<Extractor<unknown, 'body'>> {
  if (dto === undefined) return declaredAsDecorator(json(), 'Json', (cls) => json(cls));
  return usableAsDecorator(isRawMarker(dto) ? json() : json(dto, options));
}

/**
 * The request id (a well-formed incoming `x-request-id`, or a new UUID).
 *
 * @example
 * ```ts
 * router.get('/id', [RequestId()], (id) => ({ id }));
 * ```
 */
export function RequestId(): ExtractorDecorator<Extractor<string, 'request'>> {
  return usableAsDecorator(requestId());
}

/**
 * The peer's IP address as seen by the socket.
 *
 * @example
 * ```ts
 * router.websocket('/ws', [RemoteAddress()], (ip, ws) => ws.log.info({ ip }, 'joined'));
 * ```
 */
export function RemoteAddress(): ExtractorDecorator<Extractor<string, 'request'>> {
  return usableAsDecorator(remoteAddress());
}

/**
 * The WebSocket subprotocol chosen for this upgrade (`''` when none).
 *
 * @example
 * ```ts
 * router.websocket('/ws', [Protocol()], (p, ws) => ws.sendText(p), { protocols: ['v2', 'v1'] });
 * ```
 */
export function Protocol(): ExtractorDecorator<Extractor<string, 'request'>> {
  return usableAsDecorator(protocol());
}
