declare const eventsTypeError: unique symbol;

/**
 * A compile-time error carried in a parameter type, so a misuse of the events API reads as a
 * sentence in the compiler's message rather than as `never`.
 *
 * @example
 * ```ts
 * // ws.emit('chat.message', ...) in a definition without emits fails with:
 * // Argument of type 'string' is not assignable to parameter of type
 * //   'string & EventsTypeError<"This events definition declares no emits: ...">'.
 * ```
 */
export interface EventsTypeError<TMessage extends string> {
  readonly [eventsTypeError]: TMessage;
}
