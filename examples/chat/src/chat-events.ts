import { type ContractOf, defineEvents, type EventRateLimit, type EventsFor, on, payload } from '@kindling/core';
import { CHAT_RATE_LIMIT } from './chat-policies.js';
import { ChatSend, type ChatEmits, type ChatMessage, type JoinParams } from './chat-protocol.js';

/** The topic of a room's members. */
export const topicOf = (room: string): string => `room:${room}`;

/** A server event as a text frame, for `publish` (which sends one frame to many). */
export function encodeEvent<K extends keyof ChatEmits>(type: K, data: ChatEmits[K]): string {
  return JSON.stringify({ type, data });
}

/**
 * The chat's protocol as an events definition: what a member sends (`chat.send`, answered with
 * the message as the room sees it) and what the server sends (`ChatEmits`). Handlers get the
 * route's join parameters first. `rateLimit` limits `chat.send` per connection; a message over
 * it gets a `RATE_LIMITED` error envelope with its id and `retryAfterMs`. A page's liveness
 * check (`$ping`, docs/client.md) is answered by `events()` itself.
 *
 * @example
 * ```ts
 * const handler = events(chatEvents({ messages: 5, perMs: 1_000, burst: 10 }));
 * ```
 */
export function chatEvents(rateLimit: EventRateLimit | false = CHAT_RATE_LIMIT) {
  return defineEvents(
    {
      'chat.send': on(
        ChatSend,
        (join, ws, input): ChatMessage => {
          const message = { user: join.username, text: input.text, at: new Date().toISOString() };
          ws.publish(topicOf(join.room), encodeEvent('chat.message', message));
          return message;
        },
        rateLimit ? { rateLimit } : undefined,
      ),
    },
    {
      emits: {
        'chat.welcome': payload<ChatEmits['chat.welcome']>(),
        'chat.join': payload<ChatEmits['chat.join']>(),
        'chat.leave': payload<ChatEmits['chat.leave']>(),
        'chat.message': payload<ChatMessage>(),
      },
    },
  ) satisfies EventsFor<[JoinParams], ChatEmits>;
}

/** The chat's contract for `@kindling/client`: `createClient<ChatContract>(url)`. */
export type ChatContract = ContractOf<ReturnType<typeof chatEvents>>;
