const kPayload = Symbol('kindling.payload');

/**
 * Declares the data type of a server event in `defineEvents(handlers, { emits })` when it is not
 * a class. Carries the type only: nothing is checked at run time. Made by {@link payload}.
 *
 * @example
 * ```ts
 * const notice: Payload<{ text: string }> = payload<{ text: string }>();
 * ```
 */
export interface Payload<T> {
  readonly [kPayload]: T;
}

/**
 * What one entry of `emits` may be: a class (its instances are the data) or a {@link payload} marker.
 *
 * @example
 * ```ts
 * const specs: EmitSpec<ChatMessage>[] = [ChatMessage, payload<ChatMessage>()];
 * ```
 */
export type EmitSpec<T> = Payload<T> | (abstract new (...args: never[]) => T);

/**
 * The `emits` map of a definition whose server events carry the data types `TEmits`.
 *
 * @example
 * ```ts
 * const emits: EmitSpecs<{ 'chat.notice': { text: string } }> = { 'chat.notice': payload<{ text: string }>() };
 * ```
 */
export type EmitSpecs<TEmits> = { readonly [K in keyof TEmits]: EmitSpec<TEmits[K]> };

const MARKER: Payload<unknown> = Object.freeze({ [kPayload]: undefined });

/**
 * The type of a server event's data, for `emits` in `defineEvents`: `payload<T>()` where a class
 * would be given for a class.
 *
 * @example
 * ```ts
 * const chatEvents = defineEvents(handlers, {
 *   emits: { 'chat.message': ChatMessage, 'chat.notice': payload<{ text: string }>() },
 * });
 * ```
 */
export function payload<T>(): Payload<T> {
  return MARKER as Payload<T>;
}

/** True for a value made by {@link payload}. */
export function isPayload(value: unknown): value is Payload<unknown> {
  return value === MARKER;
}
