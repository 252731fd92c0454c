import { resolveConnectionOptions } from '@kindling/websocket';
import type { AnyExtractor } from '../extract/extractor.js';
import type { Middleware } from '../middleware.js';
import type { HandlerResult } from '../response/response.js';
import type { HttpMethod } from '../router/http-method.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import { readController, type ControllerDefinition, type ControllerMethod } from './controller-class.js';
import { declaredParamTypes } from './declared-types.js';
import type { MethodMeta, RouteSpec } from './metadata.js';
import { buildEventRoute, type EventMethod } from './event-route.js';
import { buildMessageRoute } from './message-route.js';
import { resolveParams } from './resolve-params.js';
import { tagRouteOrigin } from './route-origin.js';

type Handler = (...args: unknown[]) => unknown;
type HttpRouteHandler = (...args: unknown[]) => HandlerResult;

/**
 * What {@link registerController} needs of a router (a `Router` is one): its registration
 * methods, middleware, and a way to mount another router of the same kind.
 */
export interface ControllerTarget<TSelf> {
  use(...middleware: Middleware[]): TSelf;
  merge(router: TSelf): unknown;
  nest(prefix: string, router: TSelf): unknown;
  websocket(path: string, extractors: AnyExtractor[], handler: Handler, options?: WebSocketRouteOptions): unknown;
  get(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  post(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  put(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  patch(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  delete(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  head(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  options(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
  any(path: string, extractors: readonly AnyExtractor[], handler: HttpRouteHandler): unknown;
}

const VERB = {
  GET: 'get',
  POST: 'post',
  PUT: 'put',
  PATCH: 'patch',
  DELETE: 'delete',
  HEAD: 'head',
  OPTIONS: 'options',
  ANY: 'any',
} as const satisfies Record<HttpMethod, keyof ControllerTarget<unknown>>;

/**
 * Registers the routes of a `@Controller` instance on `router`, through the router's own
 * `get`/`post`/.../`websocket` methods: the routes land in the same table as routes written
 * with the DSL and meet the same checks. The controller's routes are built on a router of
 * their own (`createRouter`) and mounted at its prefix, so nothing is registered when any
 * of them is invalid. See docs/controllers.md.
 */
export function registerController<TRouter extends ControllerTarget<TRouter>>(router: TRouter, instance: object, createRouter: () => TRouter): void {
  const controller = readController(instance);
  const own = createRouter();
  if (controller.middleware.length > 0) own.use(...controller.middleware);
  // The @OnEvent methods on one path share one events() route, registered once all are known.
  const eventPaths = new Map<string, EventMethod[]>();
  for (const method of controller.methods) {
    for (const spec of method.meta.routes) {
      if (spec.kind !== 'event') registerRoute(own, createRouter, controller, method, spec, instance);
      else eventPaths.set(spec.path, [...(eventPaths.get(spec.path) ?? []), resolveEvent(controller, method, spec, instance)]);
    }
  }
  for (const [path, methods] of eventPaths) registerEvents(own, controller, path, methods);
  const { prefix } = controller;
  try {
    if (prefix === '' || prefix === '/') router.merge(own);
    else router.nest(prefix, own);
  } catch (err) {
    throw located(`@Controller('${prefix}') on ${controller.name}`, err);
  }
}

function registerRoute<TRouter extends ControllerTarget<TRouter>>(
  own: TRouter,
  createRouter: () => TRouter,
  controller: ControllerDefinition,
  method: ControllerMethod,
  spec: Exclude<RouteSpec, { kind: 'event' }>,
  instance: object,
): void {
  const { meta } = method;
  const where = `${controller.name}.${meta.name}()`;
  try {
    const fn: unknown = (instance as Record<string, unknown>)[meta.name];
    if (typeof fn !== 'function') throw new TypeError(`${where} is not a function on the instance`);
    const params = resolveParams(meta, spec, declaredParamTypes(method.prototype, meta.name), fn.length, where);
    const call = invoker(fn as Handler, instance, params.slots);
    const origin = `${where} ${spec.label}`;
    const target = meta.middleware.length > 0 ? createRouter().use(...meta.middleware) : own;
    if (spec.kind === 'http') {
      refusePolicies(meta, where);
      target[VERB[spec.method]](spec.path, params.extractors, tagRouteOrigin(call, origin) as HttpRouteHandler);
    } else {
      const options = routeOptions(controller.websocket, spec, meta, where);
      const handler: object = spec.kind === 'websocket' ? call : buildMessageRoute(spec, call, params.messageBody);
      target.websocket(spec.path, params.extractors as AnyExtractor[], tagRouteOrigin(handler, origin) as Handler, options);
    }
    if (target !== own) own.merge(target);
  } catch (err) {
    throw located(`${where} ${spec.label}`, err);
  }
}

function resolveEvent(controller: ControllerDefinition, method: ControllerMethod, spec: Extract<RouteSpec, { kind: 'event' }>, instance: object): EventMethod {
  const { meta } = method;
  const where = `${controller.name}.${meta.name}()`;
  try {
    const fn: unknown = (instance as Record<string, unknown>)[meta.name];
    if (typeof fn !== 'function') throw new TypeError(`${where} is not a function on the instance`);
    // The events of one path share one route, so its options are the controller's.
    const [key, by] = [...meta.policies.setBy][0] ?? [];
    if (key !== undefined) throw new TypeError(`${by} sets ${key} on one event; set it on the class: the events on one path share one route`);
    if (meta.middleware.length > 0) throw new TypeError('@Use() on one event; put it on the class: the events on one path share one route');
    const params = resolveParams(meta, spec, declaredParamTypes(method.prototype, meta.name), fn.length, where);
    return { spec, where: `${where} ${spec.label}`, fn: fn as Handler, instance, extractors: params.extractors, slots: params.slots, body: params.messageBody };
  } catch (err) {
    throw located(`${where} ${spec.label}`, err);
  }
}

function registerEvents<TRouter extends ControllerTarget<TRouter>>(
  own: TRouter,
  controller: ControllerDefinition,
  path: string,
  methods: readonly EventMethod[],
): void {
  const labels = methods.map((m) => m.spec.label).join(', ');
  try {
    const route = buildEventRoute(methods, controller.events);
    const { heartbeat, rateLimit } = controller.websocket;
    resolveConnectionOptions({ heartbeat, rateLimit });
    own.websocket(path, route.extractors as AnyExtractor[], tagRouteOrigin(route.handler, `${controller.name} ${labels}`) as Handler, controller.websocket);
  } catch (err) {
    throw located(`${controller.name} ${labels}`, err);
  }
}

/** Calls the method on the instance with the handler's arguments in the method's order. */
function invoker(fn: Handler, instance: object, slots: readonly number[]): Handler {
  if (slots.every((slot, i) => slot === i)) return fn.bind(instance);
  return (...args) => {
    const ordered = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) ordered[i] = args[slots[i] as number];
    return fn.apply(instance, ordered);
  };
}

/** Class-level options, then the route decorator's, then the method's policy decorators. */
function routeOptions(
  fromClass: WebSocketRouteOptions,
  spec: Exclude<RouteSpec, { kind: 'http' | 'event' }>,
  meta: MethodMeta,
  where: string,
): WebSocketRouteOptions {
  const fromRoute: WebSocketRouteOptions = (spec.kind === 'websocket' ? spec.options : spec.options.route) ?? {};
  for (const key of Object.keys(fromRoute)) {
    const by = meta.policies.setBy.get(key);
    if (by) throw new TypeError(`${where}: ${key} is set twice, by ${spec.label} options and by ${by}`);
  }
  const options = { ...fromClass, ...fromRoute, ...meta.policies.options } as WebSocketRouteOptions;
  // The app checks every connection option when it is built; the policy values are checked
  // here too, so a bad one is reported with the method that declared it.
  const { heartbeat, rateLimit } = options;
  resolveConnectionOptions({ heartbeat, rateLimit });
  return options;
}

function refusePolicies(meta: MethodMeta, where: string): void {
  const [key, by] = [...meta.policies.setBy][0] ?? [];
  if (key !== undefined) throw new TypeError(`${where}: ${by} sets ${key}, which applies to WebSocket routes only`);
}

function located(where: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith(where.split(' ')[0] as string)) return err instanceof Error ? err : new TypeError(message);
  return new TypeError(`${where}: ${message}`, { cause: err });
}
