import type { EventsDefinition } from './define-events.js';
import type { EventsTypeError } from './events-type-error.js';
import type { EventHandler } from './on.js';

/**
 * The shape every events contract has: what a client sends (the data and the reply of each
 * event; reply `void` for none) and what the server emits. `@kindling/client` declares the same
 * shape; {@link ContractOf} produces one. See docs/events.md.
 *
 * @example
 * ```ts
 * const contract: EventsContract = null as unknown as ContractOf<typeof chatEvents>;
 * ```
 */
export interface EventsContract {
  /** Events the client sends: the data it sends and the reply it gets (`void`: none). */
  readonly requests: { readonly [type: string]: { readonly data: unknown; readonly reply: unknown } };
  /** Events the server emits to the client: the data each carries. */
  readonly emits: { readonly [type: string]: unknown };
}

/**
 * The contract of an events definition, for a client: `ContractOf<typeof chatEvents>`. Import
 * the definition with `import type` so no server code reaches the client bundle.
 *
 * @example
 * ```ts
 * import type { ContractOf } from '@kindling/core';
 * import type { chatEvents } from './server/events.js';
 * type ChatContract = ContractOf<typeof chatEvents>;
 * type SendReply = ChatContract['requests']['chat.send']['reply'];
 * ```
 */
export type ContractOf<TDefinition> =
  TDefinition extends EventsDefinition<infer _Args, infer THandlers, infer TEmits>
    ? {
        readonly requests: {
          readonly [K in keyof THandlers & string]: THandlers[K] extends EventHandler<infer _Args, infer TData, infer TReply, infer _Emits>
            ? { readonly data: TData; readonly reply: TReply }
            : never;
        };
        readonly emits: { readonly [K in keyof TEmits & string]: TEmits[K] };
      }
    : EventsTypeError<'ContractOf takes the type of an events definition: ContractOf<typeof definition>, where definition = defineEvents(...)'>;
