/**
 * Method decorators that declare routes on a controller. See docs/controllers.md.
 */
import type { HttpMethod } from '../router/http-method.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import { methodMeta, type RouteSpec } from './metadata.js';

/**
 * A decorator for a controller method. TypeScript calls it with the prototype, the method
 * name and its property descriptor.
 */
export type RouteDecorator = (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor) => void;

/** Records `spec` for the decorated method; refuses fields and accessors. */
export function routeDecorator(spec: RouteSpec): RouteDecorator {
  return (target, propertyKey, descriptor) => {
    const method = methodMeta(target, propertyKey, spec.label);
    if (typeof descriptor?.value !== 'function') throw new TypeError(`${spec.label} decorates methods; ${method.name} is not one`);
    method.routes.push(spec);
  };
}

function httpRoute(method: HttpMethod, decorator: string) {
  return (path: string): RouteDecorator => routeDecorator({ kind: 'http', method, path, label: `@${decorator}('${path}')` });
}

/**
 * A `GET` route (also answers `HEAD` when the path has no `HEAD` route). The method's
 * parameters come from its parameter decorators; its return value is the response.
 *
 * @example
 * ```ts
 * @Get('/rooms') list(@State() s: AppState) { return s.rooms(); }
 * ```
 */
export const Get = httpRoute('GET', 'Get');
/** A `POST` route. @example `@Post('/rooms') create(@Body() b: CreateRoom) {}` */
export const Post = httpRoute('POST', 'Post');
/** A `PUT` route. @example `@Put('/rooms/{id}') replace(@Path() p: RoomParams, @Body() b: Room) {}` */
export const Put = httpRoute('PUT', 'Put');
/** A `PATCH` route. @example `@Patch('/rooms/{id}') rename(@Path() p: RoomParams, @Body() b: Rename) {}` */
export const Patch = httpRoute('PATCH', 'Patch');
/** A `DELETE` route. @example `@Delete('/rooms/{id}') remove(@Path() p: RoomParams) {}` */
export const Delete = httpRoute('DELETE', 'Delete');
/** A `HEAD` route. @example `@Head('/rooms') probe() { return null; }` */
export const Head = httpRoute('HEAD', 'Head');
/** An `OPTIONS` route. @example `@Options('/rooms') allowed() { return Response.noContent(); }` */
export const Options = httpRoute('OPTIONS', 'Options');
/** A route for every method (an exact-method route on the same path wins). @example `@All('/ping') ping() { return 'pong'; }` */
export const All = httpRoute('ANY', 'All');

/**
 * A WebSocket route. Its extractor parameters run before the upgrade (a failure answers with
 * its HTTP status; the client never sees a 101); `@Conn()` receives the connection. When the
 * method returns, the connection closes with 1000 unless it called `ws.keepOpen()`.
 *
 * @example
 * ```ts
 * @WebSocket('/rooms/{room}', { maxPayloadLength: 4096 })
 * async join(@Path() p: RoomParams, @Conn() ws: WebSocketConnection) {
 *   for await (const msg of ws) ws.publish(p.room, msg);
 * }
 * ```
 */
export function WebSocket(path: string, options: WebSocketRouteOptions = {}): RouteDecorator {
  return routeDecorator({ kind: 'websocket', path, label: `@WebSocket('${path}')`, options });
}
