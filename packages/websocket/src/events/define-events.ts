import { isPayload, type EmitSpecs } from './payload.js';
import { isEventHandler, type EventHandler } from './on.js';

/**
 * The events of a definition by type, each made by `on()`.
 *
 * @example
 * ```ts
 * const handlers = { ping: on(() => 'pong') } satisfies EventHandlers<[]>;
 * ```
 */
export type EventHandlers<TArgs extends unknown[] = unknown[], TEmits = unknown> = {
  readonly [type: string]: EventHandler<TArgs, unknown, unknown, TEmits>;
};

/**
 * The second argument of {@link defineEvents}.
 *
 * @example
 * ```ts
 * defineEvents(handlers, { emits: { 'chat.message': ChatMessage, 'chat.notice': payload<{ text: string }>() } });
 * ```
 */
export interface DefineEventsOptions<TEmits> {
  /**
   * The events the server sends to the client, by type: a class, or `payload<T>()`, for the
   * data each carries. Types only: `ws.emit` is checked against them at compile time.
   * @default {}
   */
  emits?: EmitSpecs<TEmits>;
}

declare const definitionTypes: unique symbol;

/**
 * What {@link defineEvents} returns: the handlers and the server events of one protocol. Hand it
 * to `events(definition)` on a route; `ContractOf<typeof definition>` is its type for clients.
 *
 * @example
 * ```ts
 * const chatEvents: EventsDefinition = defineEvents({ ping: on(() => 'pong') });
 * Object.keys(chatEvents.handlers); // ['ping']
 * ```
 */
export interface EventsDefinition<TArgs extends unknown[] = unknown[], THandlers = EventHandlers, TEmits = unknown> {
  /** The events the client sends, by type. */
  readonly handlers: Readonly<THandlers>;
  /** The events the server sends, by type. */
  readonly emits: EmitSpecs<TEmits>;
  /** Types only; never present at run time. */
  readonly [definitionTypes]?: { readonly args: (...args: TArgs) => void };
}

/**
 * The type a definition written away from its route must satisfy, so its handlers know the
 * route's extracted values (`TArgs`, in extractor order) and its server events (`TEmits`):
 * `defineEvents(...) satisfies EventsFor<[Join], ChatEmits>`. Without it, a definition is typed
 * from where it is used (inline in `router.websocket`), or its handlers take no extracted values
 * and `ws.emit` is not checked. See docs/events.md.
 *
 * @example
 * ```ts
 * interface ChatEmits { 'chat.message': ChatMessage }
 * export const chatEvents = defineEvents({
 *   'chat.send': on(ChatSend, (join, ws, msg) => { ws.emit('chat.message', { from: join.nick, text: msg.text }); }),
 * }, { emits: { 'chat.message': ChatMessage } }) satisfies EventsFor<[Join], ChatEmits>;
 * ```
 */
export type EventsFor<TArgs extends unknown[], TEmits = {}> = EventsDefinition<TArgs, EventHandlers<TArgs, TEmits>, TEmits>;

const made = new WeakSet<object>();

/**
 * Defines a protocol of typed events: the handlers of the events a client sends (by type, each
 * made by `on()`) and the events the server sends (`emits`). The result goes to `events()` on a
 * route; its type is the contract a client imports with `import type`. See docs/events.md.
 *
 * @example
 * ```ts
 * export const chatEvents = defineEvents(
 *   {
 *     'chat.send': on(ChatSend, (ws, msg) => {
 *       ws.publish('chat', JSON.stringify({ type: 'chat.message', data: { text: msg.text } }));
 *       return { accepted: true };
 *     }),
 *   },
 *   { emits: { 'chat.message': payload<{ text: string }>() } },
 * );
 * router.websocket('/chat', events(chatEvents));
 * ```
 */
export function defineEvents<TArgs extends unknown[], THandlers extends EventHandlers<TArgs, unknown>, TEmits = {}>(
  handlers: THandlers,
  options?: DefineEventsOptions<TEmits>,
): EventsDefinition<TArgs, THandlers, TEmits>;
export function defineEvents(handlers: unknown, options: unknown = {}): EventsDefinition {
  if (typeof handlers !== 'object' || handlers === null || Array.isArray(handlers)) {
    throw new TypeError('defineEvents(handlers, options?): handlers must be an object of events by type');
  }
  // No prototype: an event named `__proto__` is an event like any other.
  const own: Record<string, EventHandler> = Object.create(null);
  for (const [type, handler] of Object.entries(handlers)) {
    if (type === '') throw new TypeError('defineEvents(): an event type must be a non-empty string');
    if (type.startsWith('$')) throw new TypeError(reservedMessage(type));
    if (!isEventHandler(handler)) throw new TypeError(`defineEvents(): event "${type}" must be made with on(Dto, handler) or on(handler)`);
    own[type] = handler;
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('defineEvents(handlers, options): options must be an object { emits }');
  for (const key of Object.keys(options)) if (key !== 'emits') throw new TypeError(`defineEvents(): unknown option "${key}"`);
  const emits = (options as { emits?: unknown }).emits ?? {};
  if (typeof emits !== 'object' || emits === null) throw new TypeError('defineEvents(): emits must be an object of server events by type');
  for (const [type, spec] of Object.entries(emits)) {
    if (type === '') throw new TypeError('defineEvents(): an emitted event type must be a non-empty string');
    if (type.startsWith('$')) throw new TypeError(reservedMessage(type));
    if (typeof spec !== 'function' && !isPayload(spec)) throw new TypeError(`defineEvents(): emits "${type}" must be a class or payload<T>()`);
  }
  const definition: EventsDefinition = Object.freeze({ handlers: Object.freeze(own), emits: Object.freeze({ ...emits }) });
  made.add(definition);
  return definition;
}

function reservedMessage(type: string): string {
  return `defineEvents(): event "${type}": types starting with "$" belong to the protocol (events() answers "$ping" itself)`;
}

/** True for a value made by {@link defineEvents}. */
export function isEventsDefinition(value: unknown): value is EventsDefinition {
  return typeof value === 'object' && value !== null && made.has(value);
}
