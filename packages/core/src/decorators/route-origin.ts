const ROUTE_ORIGIN = Symbol('kindling.routeOrigin');

type Tagged = { [ROUTE_ORIGIN]?: string };

/** Marks a handler with where its route was declared, e.g. `ChatController.list() @Get('/rooms')`. */
export function tagRouteOrigin<F extends object>(handler: F, origin: string): F {
  Object.defineProperty(handler, ROUTE_ORIGIN, { value: origin });
  return handler;
}

/** Where a handler's route was declared, when a controller registered it. */
export function routeOrigin(handler: unknown): string | undefined {
  return typeof handler === 'function' ? (handler as Tagged)[ROUTE_ORIGIN] : undefined;
}
