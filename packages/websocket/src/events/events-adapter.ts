import { adapt, checkInteger, type AdaptedHandler } from '../adapter.js';
import type { DtoOptions } from '../dto.js';
import { isEventsDefinition, type EventHandlers, type EventsDefinition } from './define-events.js';
import type { EventHandler } from './on.js';
import { EventsDispatcher, type EventsSettings, type ResolvedEvent } from './events-dispatcher.js';

/**
 * Options for {@link events}. See docs/events.md.
 *
 * @example
 * ```ts
 * events(chatEvents, { concurrency: 4, maxConsecutiveErrors: 5, validation: { forbidNonWhitelisted: true } });
 * ```
 */
export interface EventsOptions {
  /**
   * Messages handled at the same time on one connection, all events together. They always
   * start in arrival order; with more than one, replies may come back out of order (each
   * carries its request's `id`).
   * @default 1
   */
  concurrency?: number;
  /**
   * Failed messages in a row (invalid JSON or envelope, unknown event, duplicate id, failed
   * validation, an event's rate limit, or a handler that threw an error with a 4xx status)
   * after which the connection is closed with 1008 `TOO_MANY_ERRORS`. A handled message resets
   * the count; unexpected (5xx) errors do not count. `0` never closes.
   * @default 10
   */
  maxConsecutiveErrors?: number;
  /** How DTOs treat unknown properties of `data`. @default `{ whitelist: true }` */
  validation?: DtoOptions;
}

const DEFAULT_MAX_CONSECUTIVE_ERRORS = 10;

/**
 * Serves an events definition on a WebSocket route: each message is an envelope
 * `{ "type", "id"?, "data"? }` routed to its event's handler, called as
 * `handler(...extracted, ws, data)` with the route's extracted values, after `data` was
 * validated into the event's DTO. A request (with an `id`) gets the reply `{ "id", "data" }`
 * (the handler's return value) or the error envelope `{ "error": { code, message, details, id } }`;
 * an event without an `id` gets only errors. See docs/events.md.
 *
 * @example
 * ```ts
 * router.websocket('/chat', [Query(Join)], events(chatEvents, { concurrency: 4 }));
 * ```
 */
export function events<TArgs extends unknown[], THandlers, TEmits>(
  definition: EventsDefinition<TArgs, THandlers, TEmits>,
  options: EventsOptions = {},
): AdaptedHandler<TArgs> {
  if (!isEventsDefinition(definition)) throw new TypeError('events(definition): definition must be made with defineEvents()');
  if (typeof options !== 'object' || options === null) throw new TypeError('events(definition, options): options must be an object');
  const resolved = new Map<string, ResolvedEvent>();
  const handlers: Readonly<Record<string, EventHandler>> = definition.handlers as Readonly<EventHandlers>;
  for (const [type, event] of Object.entries(handlers)) {
    const limit = event.options.rateLimit;
    resolved.set(type, {
      type,
      dto: event.dto,
      fn: event.handler as (...args: unknown[]) => unknown,
      concurrency: event.options.concurrency,
      rateLimit: limit === undefined ? undefined : { messages: limit.messages, perMs: limit.perMs, burst: limit.burst ?? limit.messages },
    });
  }
  const settings: EventsSettings = {
    events: resolved,
    concurrency: checkInteger('events: concurrency', options.concurrency ?? 1, 1, 65_536),
    maxErrors: checkInteger('events: maxConsecutiveErrors', options.maxConsecutiveErrors ?? DEFAULT_MAX_CONSECUTIVE_ERRORS, 0),
    validation: options.validation,
  };
  return adapt('events', (conn, args) => new EventsDispatcher(conn, args, settings));
}
