import { defineEvents, events, on, type AdaptedHandler, type EventHandler, type EventsOptions } from '@kindling/websocket';
import type { AnyExtractor } from '../extract/extractor.js';
import type { DtoClass } from '../extract/dto-class.js';
import type { RouteSpec } from './metadata.js';

type Call = (...args: unknown[]) => unknown;

/** One `@OnEvent` method, resolved: its extractors and where each of its parameters comes from. */
export interface EventMethod {
  readonly spec: Extract<RouteSpec, { kind: 'event' }>;
  /** `Class.method() @OnEvent('type')`, for messages. */
  readonly where: string;
  readonly fn: Call;
  readonly instance: object;
  readonly extractors: readonly AnyExtractor[];
  /** For each method parameter, its index in `[...extracted, connection, data]`. */
  readonly slots: readonly number[];
  /** The class `@Body()` asks for (`'raw'`: the data as parsed). */
  readonly body: DtoClass | 'raw' | undefined;
}

/** The route the `@OnEvent` methods on one path form: all their extractors, and the adapter. */
export interface EventRoute {
  readonly extractors: readonly AnyExtractor[];
  readonly handler: AdaptedHandler<unknown[]>;
}

/**
 * Builds the `events()` route of the `@OnEvent` methods on one path: one `on()` per method in
 * one `defineEvents()`, so a controller's events run the code path `events(definition)` runs.
 * The route extracts what every method asks for, in method order; each method gets its own
 * values, then the connection and the data.
 */
export function buildEventRoute(methods: readonly EventMethod[], options: EventsOptions): EventRoute {
  const extractors = methods.flatMap((m) => m.extractors);
  const handlers: Record<string, EventHandler> = Object.create(null);
  let offset = 0;
  for (const method of methods) {
    const { type } = method.spec.options;
    if (Object.hasOwn(handlers, type)) throw new TypeError(`${method.where}: event "${type}" is handled twice on ${method.spec.path}`);
    handlers[type] = eventHandler(method, offset, extractors.length);
    offset += method.extractors.length;
  }
  return { extractors, handler: events(defineEvents(handlers), options) };
}

function eventHandler(method: EventMethod, offset: number, extracted: number): EventHandler {
  const own = method.extractors.length;
  // Route arguments: [...every method's extracted values, connection, data].
  const sources = method.slots.map((slot) => (slot < own ? offset + slot : extracted + (slot - own)));
  const { fn, instance } = method;
  const call: Call = (...args) => {
    const ordered = new Array<unknown>(sources.length);
    for (let i = 0; i < sources.length; i++) ordered[i] = args[sources[i] as number];
    return fn.apply(instance, ordered);
  };
  const { dto, event } = method.spec.options;
  const validated = dto ?? (method.body === 'raw' ? undefined : method.body);
  return validated === undefined ? on(call, event) : on(validated, call, event);
}
