import type { EventsOptions } from '@kindling/websocket';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import { classMeta } from './metadata.js';

/** Options for {@link Controller}. */
export interface ControllerOptions {
  /**
   * Options for every WebSocket route of the controller (`@WebSocket`, `@OnMessage`,
   * `@OnBatch`). Policy decorators on the class may not set the same option again; options
   * set on a method win.
   * @default {}
   */
  websocket?: WebSocketRouteOptions;
  /**
   * Options of the `events()` routes the controller's `@OnEvent` methods form (concurrency,
   * `maxConsecutiveErrors`, validation). See docs/events.md.
   * @default {}
   */
  events?: EventsOptions;
}

/**
 * Marks a class as a controller whose decorated methods become routes under `prefix` when an
 * instance is registered with `router.controller(instance)`. See docs/controllers.md.
 *
 * @example
 * ```ts
 * @Controller('/chat')
 * class ChatController {
 *   constructor(private readonly rooms: RoomService) {}
 *   @Get('/rooms') list() { return this.rooms.list(); }
 * }
 * router.controller(new ChatController(rooms));
 * ```
 */
export function Controller(prefix = '', options: ControllerOptions = {}): (target: abstract new (...args: never[]) => unknown) => void {
  return (target) => {
    if (typeof prefix !== 'string') throw new TypeError(`@Controller() on ${target.name}: the prefix must be a string`);
    const meta = classMeta(target);
    if (meta.controller) throw new TypeError(`@Controller() is applied twice to ${target.name}`);
    meta.controller = { prefix, websocket: options.websocket ?? {}, events: options.events ?? {} };
  };
}
