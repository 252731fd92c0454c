import type { BatchHandlerOptions, EventOptions, EventsOptions, MessageHandlerOptions } from '@kindling/websocket';
import type { AnyExtractor } from '../extract/extractor.js';
import type { DtoClass } from '../extract/dto-class.js';
import type { Middleware } from '../middleware.js';
import type { HttpMethod } from '../router/http-method.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';

/**
 * What a decorated parameter receives. `declared` extractors take their DTO class from the
 * parameter's declared type (`design:paramtypes`) when the controller is registered.
 */
export type ParamSource =
  | { readonly kind: 'extractor'; readonly label: string; readonly extractor: AnyExtractor }
  | { readonly kind: 'declared'; readonly label: string; readonly build: (dto: DtoClass) => AnyExtractor }
  | { readonly kind: 'body'; readonly label: string; readonly dto: DtoClass | 'raw' | undefined }
  | { readonly kind: 'connection' | 'message' | 'batch'; readonly label: string };

/** A route declared by a method decorator. */
export type RouteSpec =
  | { readonly kind: 'http'; readonly method: HttpMethod; readonly path: string; readonly label: string }
  | { readonly kind: 'websocket'; readonly path: string; readonly label: string; readonly options: WebSocketRouteOptions }
  | { readonly kind: 'message'; readonly path: string; readonly label: string; readonly options: OnMessageSpec }
  | { readonly kind: 'batch'; readonly path: string; readonly label: string; readonly options: OnBatchSpec }
  | { readonly kind: 'event'; readonly path: string; readonly label: string; readonly options: OnEventSpec };

/** The options of `@OnMessage`, split into the adapter's and the route's. */
export interface OnMessageSpec {
  readonly json: DtoClass | true | undefined;
  readonly handler: MessageHandlerOptions;
  readonly route: WebSocketRouteOptions | undefined;
}

/** The options of `@OnBatch`, split into the adapter's and the route's. */
export interface OnBatchSpec {
  readonly handler: BatchHandlerOptions;
  readonly route: WebSocketRouteOptions | undefined;
}

/** The options of `@OnEvent`: the event's type, its DTO and its `on()` options. */
export interface OnEventSpec {
  readonly type: string;
  readonly dto: DtoClass | undefined;
  readonly event: EventOptions;
}

/** WebSocket route options set by policy decorators, with the decorator that set each one. */
export interface PolicySet {
  readonly options: Partial<Record<keyof WebSocketRouteOptions, unknown>>;
  readonly setBy: Map<string, string>;
}

/** Everything the decorators of one method recorded. */
export interface MethodMeta {
  readonly name: string;
  readonly routes: RouteSpec[];
  readonly params: Map<number, ParamSource>;
  readonly policies: PolicySet;
  readonly middleware: Middleware[];
}

/** Everything the decorators of one class recorded. */
export interface ClassMeta {
  controller: { readonly prefix: string; readonly websocket: WebSocketRouteOptions; readonly events: EventsOptions } | undefined;
  readonly policies: PolicySet;
  readonly middleware: Middleware[];
  readonly methods: Map<string, MethodMeta>;
}

const classes = new WeakMap<object, ClassMeta>();

/** The metadata of a class itself (not its ancestors), created on first use. */
export function classMeta(ctor: object): ClassMeta {
  let meta = classes.get(ctor);
  if (!meta) {
    meta = { controller: undefined, policies: emptyPolicies(), middleware: [], methods: new Map() };
    classes.set(ctor, meta);
  }
  return meta;
}

/** The metadata a class recorded itself, if any. */
export function ownClassMeta(ctor: object): ClassMeta | undefined {
  return classes.get(ctor);
}

/**
 * The metadata of the method `key` of the class whose prototype is `target`. Decorators on
 * static members and constructor parameters are refused here, at class definition.
 */
export function methodMeta(target: object, key: string | symbol | undefined, decorator: string): MethodMeta {
  if (key === undefined) throw new TypeError(`${decorator} decorates method parameters, not constructor parameters`);
  if (typeof target === 'function') {
    throw new TypeError(`${decorator} cannot decorate the static member ${target.name}.${String(key)}: routes are instance methods`);
  }
  if (typeof key === 'symbol') throw new TypeError(`${decorator} cannot decorate ${String(key)}: route methods need a string name`);
  const meta = classMeta(target.constructor);
  let method = meta.methods.get(key);
  if (!method) {
    method = { name: key, routes: [], params: new Map(), policies: emptyPolicies(), middleware: [] };
    meta.methods.set(key, method);
  }
  return method;
}

/** Records one option set by a policy decorator; the same option twice at one level is an error. */
export function setPolicy(policies: PolicySet, key: keyof WebSocketRouteOptions, value: unknown, decorator: string, where: string): void {
  const earlier = policies.setBy.get(key);
  if (earlier !== undefined) throw new TypeError(`${where}: ${key} is set twice, by ${earlier} and by ${decorator}`);
  policies.options[key] = value;
  policies.setBy.set(key, decorator);
}

function emptyPolicies(): PolicySet {
  return { options: {}, setBy: new Map() };
}
