import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { events, Path, Router, serveStatic, State, type EventRateLimit, type HeartbeatOptions } from '@kindling/core';
import { chatEvents } from './chat-events.js';
import { CHAT_HEARTBEAT, CHAT_RATE_LIMIT } from './chat-policies.js';
import { runChat } from './chat-session.js';
import { ChatRooms } from './chat-rooms.js';
import { joinChecks } from './join-checks.js';

/** The browser page: `examples/chat/public/` (from `dist/src/`, two levels up). */
export const PUBLIC_DIR: string = fileURLToPath(new URL('../../public/', import.meta.url));

/**
 * The built ES modules of `@kindling/client`, served to the page at `/vendor/kindling-client/`
 * as they are: no bundler at run time.
 */
export const CLIENT_DIR: string = dirname(createRequire(import.meta.url).resolve('@kindling/client'));

/** Settings of the chat server. */
export interface ChatOptions {
  /** The token a client must present in `?token=`. */
  token: string;
  /** Server pings; `false` turns them off. @default {@link CHAT_HEARTBEAT} */
  heartbeat?: HeartbeatOptions | false;
  /** `chat.send` messages per connection; `false` turns the limit off. @default {@link CHAT_RATE_LIMIT} */
  rateLimit?: EventRateLimit | false;
  /** Directory of the browser page; `false` serves no page (nor the client). @default {@link PUBLIC_DIR} */
  publicDir?: string | false;
}

/**
 * The chat: `ws://host/chat/{room}/{username}?token=...`. The token and a free username are
 * checked before the upgrade (401 / 409, never a 101); `GET /chat/{room}/{username}/check`
 * runs the same checks over plain HTTP so a browser can learn why an upgrade was refused.
 * The connection speaks the chat's events ({@link chatEvents}): joining tells the others; a
 * `chat.send` goes to the others as `chat.message` and back to the sender as its reply;
 * leaving tells the others. The page in `public/` is served at `/`, `@kindling/client` at
 * `/vendor/kindling-client/`. See docs/chat-example.md.
 *
 * @example
 * ```ts
 * await new App(createChatRouter({ token: 'secret' })).listen({ port: 3000 });
 * ```
 */
export function createChatRouter(options: ChatOptions, rooms = new ChatRooms()): Router {
  const checks = joinChecks(options.token, rooms);
  const handler = events(chatEvents(options.rateLimit ?? CHAT_RATE_LIMIT));
  const router = new Router()
    .state(rooms)
    .get('/health', () => ({ ok: true }))
    .get('/rooms/{room}', [Path(), State<ChatRooms>()], (path, state) => ({ room: path.room, members: state.members(path.room) }))
    .get('/chat/{room}/{username}/check', checks, ({ room, username }) => ({ ok: true, room, username }))
    .websocket('/chat/{room}/{username}', [...checks, State<ChatRooms>()], (params, _query, _access, _free, state, ws) => runChat(params, state, ws, handler), {
      heartbeat: options.heartbeat ?? CHAT_HEARTBEAT,
    });
  // Static routes lose to every route above, so the page cannot shadow the API.
  if (options.publicDir !== false) {
    router.nest('/vendor/kindling-client', serveStatic(CLIENT_DIR));
    router.merge(serveStatic(options.publicDir ?? PUBLIC_DIR));
  }
  return router;
}
