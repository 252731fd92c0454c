import type { EventsOptions } from '@kindling/websocket';
import type { Middleware } from '../middleware.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import { ownClassMeta, type ClassMeta, type MethodMeta } from './metadata.js';

/** A route method with the prototype that declared its decorators. */
export interface ControllerMethod {
  readonly meta: MethodMeta;
  readonly prototype: object;
}

/** What a controller instance's class and its ancestors declared, ready to register. */
export interface ControllerDefinition {
  readonly name: string;
  readonly prefix: string;
  /** Class-level WebSocket options: `@Controller({ websocket })` plus class policies. */
  readonly websocket: WebSocketRouteOptions;
  /** The options of the controller's `events()` routes (`@Controller({ events })`). */
  readonly events: EventsOptions;
  readonly middleware: readonly Middleware[];
  readonly methods: readonly ControllerMethod[];
}

/**
 * Reads the controller definition of `instance`'s class. Ancestors contribute routes,
 * middleware (outermost first) and policies; a subclass that decorates a method again
 * replaces that method's routes, and its class-level options win.
 */
export function readController(instance: unknown): ControllerDefinition {
  if (typeof instance === 'function') {
    throw new TypeError(`router.controller() takes an instance: new ${instance.name}(...), not the class itself`);
  }
  if (typeof instance !== 'object' || instance === null) throw new TypeError('router.controller() takes a controller instance');
  const chain = classChain(instance);
  const name = (instance.constructor as { name?: string } | undefined)?.name || 'Object';
  const declared = chain.find(({ meta }) => meta.controller)?.meta.controller;
  if (!declared) throw new TypeError(`${name} is not a controller: decorate its class with @Controller()`);

  let websocket: WebSocketRouteOptions = {};
  const middleware: Middleware[] = [];
  const methods = new Map<string, ControllerMethod>();
  // Outermost ancestor first, so subclasses override.
  for (const { ctor, meta } of [...chain].reverse()) {
    websocket = { ...websocket, ...classOptions(ctor, meta) };
    middleware.push(...meta.middleware);
    for (const [key, method] of meta.methods) {
      if (method.routes.length > 0 || !methods.has(key)) methods.set(key, { meta: method, prototype: ctor.prototype as object });
    }
  }
  const routed = [...methods.values()].filter((m) => m.meta.routes.length > 0);
  for (const { meta } of methods.values()) {
    if (meta.routes.length === 0) {
      throw new TypeError(`${name}.${meta.name}(): its decorators need a route decorator on the method (@Get, @WebSocket, @OnMessage, @OnEvent, ...)`);
    }
  }
  if (routed.length === 0) throw new TypeError(`${name} has no routes: decorate its methods with @Get, @WebSocket, @OnMessage, ...`);
  return { name, prefix: declared.prefix, websocket, events: declared.events, middleware, methods: routed };
}

/** The classes of `instance` that carry decorators, its own class first. */
function classChain(instance: object): Array<{ ctor: { name: string; prototype: unknown }; meta: ClassMeta }> {
  const chain: Array<{ ctor: { name: string; prototype: unknown }; meta: ClassMeta }> = [];
  for (let proto: unknown = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor: { name: string; prototype: unknown } }).constructor;
    const meta = ownClassMeta(ctor);
    if (meta) chain.push({ ctor, meta });
  }
  return chain;
}

function classOptions(ctor: { name: string }, meta: ClassMeta): WebSocketRouteOptions {
  const fromController = meta.controller?.websocket ?? {};
  for (const key of Object.keys(fromController)) {
    const by = meta.policies.setBy.get(key);
    if (by) throw new TypeError(`class ${ctor.name}: ${key} is set twice, by @Controller() options and by ${by}`);
  }
  return { ...fromController, ...meta.policies.options } as WebSocketRouteOptions;
}
