import { fileURLToPath } from 'node:url';
import { Path, Router, serveStatic, State, type HeartbeatOptions, type RateLimitOptions } from '@kindling/core';
import { CHAT_HEARTBEAT, CHAT_RATE_LIMIT } from './chat-policies.js';
import { runChat } from './chat-session.js';
import { ChatRooms } from './chat-rooms.js';
import { joinChecks } from './join-checks.js';

/** The browser page: `examples/chat/public/` (from `dist/src/`, two levels up). */
export const PUBLIC_DIR: string = fileURLToPath(new URL('../../public/', import.meta.url));

/** Settings of the chat server. */
export interface ChatOptions {
  /** The token a client must present in `?token=`. */
  token: string;
  /** Server pings; `false` turns them off. @default {@link CHAT_HEARTBEAT} */
  heartbeat?: HeartbeatOptions | false;
  /** Messages per connection; `false` turns the limit off. @default {@link CHAT_RATE_LIMIT} */
  rateLimit?: RateLimitOptions | false;
  /** Directory of the browser page; `false` serves no page. @default {@link PUBLIC_DIR} */
  publicDir?: string | false;
}

/**
 * The chat: `ws://host/chat/{room}/{username}?token=...`. The token and a free username are
 * checked before the upgrade (401 / 409, never a 101); `GET /chat/{room}/{username}/check`
 * runs the same checks over plain HTTP so a browser can learn why an upgrade was refused.
 * Joining tells the others; every message goes to the whole room, sender included; leaving
 * tells the others. The page in `public/` is served at `/`. See docs/chat-example.md.
 *
 * @example
 * ```ts
 * await new App(createChatRouter({ token: 'secret' })).listen({ port: 3000 });
 * ```
 */
export function createChatRouter(options: ChatOptions, rooms = new ChatRooms()): Router {
  const checks = joinChecks(options.token, rooms);
  const router = new Router()
    .state(rooms)
    .get('/health', () => ({ ok: true }))
    .get('/rooms/{room}', [Path(), State<ChatRooms>()], (path, state) => ({ room: path.room, members: state.members(path.room) }))
    .get('/chat/{room}/{username}/check', checks, ({ room, username }) => ({ ok: true, room, username }))
    .websocket('/chat/{room}/{username}', [...checks, State<ChatRooms>()], (params, _query, _access, _free, state, ws) => runChat(params, state, ws), {
      heartbeat: options.heartbeat ?? CHAT_HEARTBEAT,
      rateLimit: options.rateLimit ?? CHAT_RATE_LIMIT,
    });
  // Static routes lose to every route above, so the page cannot shadow the API.
  if (options.publicDir !== false) router.merge(serveStatic(options.publicDir ?? PUBLIC_DIR));
  return router;
}
