/**
 * What a client may send and receive: the shape a server's events definition describes. The
 * client declares this structure itself, so an app imports its server's contract with
 * `import type` and no server code reaches the bundle; a Kindling server's
 * `ContractOf<typeof definition>` is assignable to it.
 *
 * @example
 * ```ts
 * import type { EventsContract } from '@kindling/client';
 *
 * type Chat = {
 *   requests: { 'chat.send': { data: { text: string }; reply: { at: string } } };
 *   emits: { 'chat.message': { user: string; text: string; at: string } };
 * };
 * const ok: EventsContract = {} as Chat; // a contract written by hand fits too
 * ```
 */
export interface EventsContract {
  /** Events the client sends: the data it sends and the reply it gets (`void`: none). */
  readonly requests: { readonly [type: string]: { readonly data: unknown; readonly reply: unknown } };
  /** Events the server emits to the client: the data each carries. */
  readonly emits: { readonly [type: string]: unknown };
}

/** The event types a client of `C` may send with `request` or `emit`. */
export type RequestType<C extends EventsContract> = keyof C['requests'] & string;

/** The data event `T` of `C` carries from the client. */
export type RequestData<C extends EventsContract, T extends RequestType<C>> = C['requests'][T]['data'];

/** The reply the server sends for a request of type `T`. */
export type ReplyOf<C extends EventsContract, T extends RequestType<C>> = C['requests'][T]['reply'];

/** The event types the server of `C` emits to the client. */
export type EmitType<C extends EventsContract> = keyof C['emits'] & string;

/** The data the server's event `T` carries. */
export type EmitData<C extends EventsContract, T extends EmitType<C>> = C['emits'][T];
