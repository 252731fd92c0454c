/**
 * Decorators that set a policy for a whole controller (on the class) or one route (on the
 * method, which wins). See docs/controllers.md.
 */
import type { HeartbeatOptions, RateLimitOptions } from '@kindling/websocket';
import type { Middleware } from '../middleware.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import { classMeta, methodMeta, setPolicy, type PolicySet } from './metadata.js';

/**
 * A decorator for a controller class or one of its methods. On the class it applies to every
 * route of the controller; on a method, to that route only, and it wins over the class.
 */
export type PolicyDecorator = (target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => void;

/** Builds a policy decorator that hands the class's or the method's records to `apply`. */
function policyDecorator(label: string, apply: (at: { policies: PolicySet; middleware: Middleware[]; where: string }) => void): PolicyDecorator {
  return (target, propertyKey) => {
    if (propertyKey === undefined) {
      if (typeof target !== 'function') throw new TypeError(`${label} decorates a controller class or method`);
      const meta = classMeta(target);
      apply({ policies: meta.policies, middleware: meta.middleware, where: `class ${target.name}` });
      return;
    }
    const method = methodMeta(target, propertyKey, label);
    apply({ policies: method.policies, middleware: method.middleware, where: `${target.constructor.name}.${method.name}()` });
  };
}

/**
 * Server pings for WebSocket routes: a connection silent for `intervalMs` is pinged and closed
 * with 1001 "heartbeat timeout" if it stays silent for `timeoutMs`. `false` turns it off.
 * See docs/heartbeat.md for the defaults.
 *
 * @example
 * ```ts
 * @Controller('/live') @Heartbeat({ intervalMs: 15_000, timeoutMs: 5_000 })
 * class LiveController {
 *   @WebSocket('/quiet') @Heartbeat(false) quiet(@Conn() ws: WebSocketConnection) { ws.keepOpen(); }
 * }
 * ```
 */
export function Heartbeat(options: HeartbeatOptions | false): PolicyDecorator {
  const label = '@Heartbeat()';
  return policyDecorator(label, ({ policies, where }) => setPolicy(policies, 'heartbeat', options, label, where));
}

/**
 * A per-connection message rate limit for WebSocket routes (a token bucket of `messages` per
 * `perMs`); past it the `policy` applies (by default close 1008 after a grace). `false` turns
 * it off. Per-address upgrade limits are the route options `connectionsPerIp` and
 * `upgradesPerMinute`. See docs/rate-limiting.md.
 *
 * @example
 * ```ts
 * @WebSocket('/chat') @RateLimit({ messages: 10, perMs: 1_000 })
 * chat(@Conn() ws: WebSocketConnection) { ws.keepOpen(); }
 * ```
 */
export function RateLimit(options: RateLimitOptions | false): PolicyDecorator {
  const label = '@RateLimit()';
  return policyDecorator(label, ({ policies, where }) => setPolicy(policies, 'rateLimit', options, label, where));
}

/**
 * Allowed `Origin` values (exact match, `'*'` for any) or a predicate, for WebSocket routes: a
 * disallowed Origin is answered 403 `ORIGIN_NOT_ALLOWED` before the upgrade.
 *
 * @example
 * ```ts
 * @Controller('/chat') @Origins(['https://chat.example'], { requireOrigin: true })
 * class ChatController {}
 * ```
 */
export function Origins(origins: NonNullable<WebSocketRouteOptions['origins']>, options: { requireOrigin?: boolean } = {}): PolicyDecorator {
  const label = '@Origins()';
  return policyDecorator(label, ({ policies, where }) => {
    setPolicy(policies, 'origins', origins, label, where);
    if (options.requireOrigin !== undefined) setPolicy(policies, 'requireOrigin', options.requireOrigin, label, where);
  });
}

/**
 * Middleware for the controller's routes (on the class) or one route (on the method), HTTP and
 * upgrade requests alike. It runs after the router's middleware; class middleware runs before
 * method middleware, and several `@Use` run top to bottom.
 *
 * @example
 * ```ts
 * @Controller('/admin') @Use(requireAdmin)
 * class AdminController {
 *   @Get('/stats') @Use(audit) stats() { return collect(); }
 * }
 * ```
 */
export function Use(...middleware: Middleware[]): PolicyDecorator {
  for (const mw of middleware) {
    if (typeof mw !== 'function') throw new TypeError('@Use() takes middleware functions');
  }
  // Decorators are applied bottom-up; prepending keeps them in reading order.
  return policyDecorator('@Use()', (at) => at.middleware.unshift(...middleware));
}
