import { Conflict, createExtractor, Path, Query, Unauthorized } from '@kindling/core';
import { JoinParams, JoinQuery } from './chat-protocol.js';
import type { ChatRooms } from './chat-rooms.js';

/**
 * Everything a join must pass, as one list of extractors: a valid room and username (400), the
 * right token (401) and a name nobody in the room uses (409). The WebSocket route runs this list
 * before the upgrade, and the HTTP check route (`GET /chat/{room}/{username}/check`) runs the
 * very same list, so a browser (which never sees the status of a refused upgrade) can ask why.
 *
 * @example
 * ```ts
 * const checks = joinChecks('secret', new ChatRooms());
 * router.get('/chat/{room}/{username}/check', checks, () => ({ ok: true }));
 * ```
 */
export function joinChecks(token: string, rooms: ChatRooms) {
  const Access = createExtractor('ChatAccess', (ctx) => {
    if (ctx.query['token'] !== token) throw new Unauthorized('Invalid or missing token');
    return true as const;
  });
  const FreeName = createExtractor('FreeName', (ctx) => {
    const { room = '', username = '' } = ctx.params;
    if (rooms.has(room, username)) throw new Conflict(`${username} is already in ${room}`);
    return username;
  });
  return [Path(JoinParams), Query(JoinQuery), Access, FreeName] as const;
}
