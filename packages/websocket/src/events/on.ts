import { checkInteger } from '../adapter.js';
import type { DtoClass } from '../dto.js';
import type { EventConnection } from './event-connection.js';

/**
 * A per-connection limit on one event: a token bucket of `messages` per `perMs`, up to `burst` at once.
 *
 * @example
 * ```ts
 * on(RoomQuery, (ws, q) => rooms.find(q.name), { rateLimit: { messages: 5, perMs: 1_000, burst: 10 } });
 * ```
 */
export interface EventRateLimit {
  /** Messages of this event allowed per `perMs` (the refill rate). */
  messages: number;
  /** The period `messages` refer to, in ms. */
  perMs: number;
  /** How many may arrive back to back after a quiet period. @default messages */
  burst?: number;
}

/**
 * Options of one event, the last argument of {@link on}. See docs/events.md.
 *
 * @example
 * ```ts
 * const slowExport: EventOptions = { concurrency: 1, rateLimit: { messages: 1, perMs: 10_000 } };
 * on(ExportRequest, (ws, req) => exportRows(req), slowExport);
 * ```
 */
export interface EventOptions {
  /**
   * Messages of this event handled at the same time on one connection; further ones wait in
   * the connection's queue (messages start in arrival order). Within the adapter's
   * `concurrency`, which bounds all events together.
   * @default no limit of its own
   */
  concurrency?: number;
  /**
   * A per-connection rate limit for this event. A message over it is not handled: it is
   * answered with the error envelope `RATE_LIMITED` (with its `id`, and
   * `details: { retryAfterMs }`) and counts toward `maxConsecutiveErrors`.
   * @default no limit of its own (the route's `rateLimit` still applies to every message)
   */
  rateLimit?: EventRateLimit;
}

declare const eventTypes: unique symbol;

/**
 * One event of a definition, made by {@link on}: the DTO its `data` is validated into, the
 * handler and its options. The type parameters carry what the contract needs: the route's
 * extracted values (`TArgs`), the data, the reply and the server events the handler may emit.
 *
 * @example
 * ```ts
 * const send: EventHandler<[], ChatSend, { accepted: boolean }> = on(ChatSend, (ws, msg) => ({ accepted: msg.text !== '' }));
 * ```
 */
export interface EventHandler<TArgs extends unknown[] = unknown[], TData = unknown, TReply = unknown, TEmits = unknown> {
  /** The class `data` is validated into; `undefined`: `data` is passed as parsed. */
  readonly dto: DtoClass<object> | undefined;
  /** The handler: `(...extracted, ws, data) => reply`. */
  readonly handler: (...args: never[]) => unknown;
  /** The event's options, checked. */
  readonly options: Readonly<EventOptions>;
  /** Types only; never present at run time. */
  readonly [eventTypes]?: {
    readonly args: (...args: TArgs) => void;
    emits(emits: TEmits): void;
    readonly data: TData;
    readonly reply: TReply;
  };
}

const made = new WeakSet<object>();

/**
 * One event of `defineEvents`: `data` is validated into `Dto` (a class-validator class) before
 * `handler(...extracted, ws, data)` runs; without a DTO the handler gets `data` as parsed
 * (`unknown` unless the handler declares it). What the handler returns (or resolves to) is the
 * reply to a request (a message with an `id`); for an event without an `id` it is discarded.
 *
 * @example
 * ```ts
 * const chatEvents = defineEvents({
 *   'chat.send': on(ChatSend, (ws, msg) => ({ accepted: msg.text.length })),
 *   'chat.typing': on((ws) => { ws.publish('typing', ws.id); }),
 *   'room.list': on(() => rooms.names(), { rateLimit: { messages: 5, perMs: 1_000 } }),
 * });
 * ```
 */
export function on<T extends object, R, TArgs extends unknown[] = [], TEmits = unknown>(
  dto: DtoClass<T>,
  handler: (...args: [...TArgs, EventConnection<TEmits>, T]) => R,
  options?: EventOptions,
): EventHandler<TArgs, T, Awaited<R>, TEmits>;
export function on<R, TArgs extends unknown[] = [], TData = unknown, TEmits = unknown>(
  handler: (...args: [...TArgs, EventConnection<TEmits>, TData]) => R,
  options?: EventOptions,
): EventHandler<TArgs, TData, Awaited<R>, TEmits>;
export function on(first: unknown, second?: unknown, third?: unknown): EventHandler {
  // A DTO class is a function too: the handler is the second argument exactly when it is one.
  const withDto = typeof second === 'function';
  const dto = withDto ? first : undefined;
  const handler = withDto ? second : first;
  const options = withDto ? third : second;
  if (typeof handler !== 'function') throw new TypeError('on(Dto, handler, options?): handler must be a function');
  if (withDto && typeof dto !== 'function') throw new TypeError('on(Dto, handler, options?): Dto must be a class');
  const event: EventHandler = Object.freeze({
    dto: dto as DtoClass<object> | undefined,
    handler: handler as (...args: never[]) => unknown,
    options: resolveEventOptions(options),
  });
  made.add(event);
  return event;
}

/** True for a value made by {@link on}. */
export function isEventHandler(value: unknown): value is EventHandler {
  return typeof value === 'object' && value !== null && made.has(value);
}

const OPTION_KEYS = new Set(['concurrency', 'rateLimit']);
const RATE_LIMIT_KEYS = new Set(['messages', 'perMs', 'burst']);

function resolveEventOptions(options: unknown): Readonly<EventOptions> {
  if (options === undefined) return Object.freeze({});
  if (typeof options !== 'object' || options === null) throw new TypeError('on(Dto, handler, options): options must be an object');
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!OPTION_KEYS.has(key)) throw new TypeError(`on(): unknown option "${key}"`);
  const resolved: EventOptions = {};
  if (record['concurrency'] !== undefined) resolved.concurrency = checkInteger('on(): concurrency', record['concurrency'], 1, 65_536);
  const limit = record['rateLimit'];
  if (limit !== undefined) {
    if (typeof limit !== 'object' || limit === null) throw new TypeError('on(): rateLimit must be an object { messages, perMs, burst? }');
    const fields = limit as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (!RATE_LIMIT_KEYS.has(key)) throw new TypeError(`on(): unknown rateLimit option "${key}"`);
    const messages = checkInteger('on(): rateLimit.messages', fields['messages'], 1);
    const perMs = checkInteger('on(): rateLimit.perMs', fields['perMs'], 1);
    const burst = fields['burst'] === undefined ? messages : checkInteger('on(): rateLimit.burst', fields['burst'], 1);
    resolved.rateLimit = Object.freeze({ messages, perMs, burst });
  }
  return Object.freeze(resolved);
}
