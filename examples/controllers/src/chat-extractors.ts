import { Conflict, createExtractor, Unauthorized } from '@kindling/core';
import { ChatRooms } from '@kindling/example-chat/rooms';

/** The chat's settings, registered with `router.extension(new ChatSettings(token))`. */
export class ChatSettings {
  constructor(readonly token: string) {}
}

/** Checks `?token=` before the upgrade: a wrong or missing token is a 401, never a 101. */
export const ChatAccess = createExtractor('ChatAccess', (ctx) => {
  const settings = ctx.extensions.get(ChatSettings) as ChatSettings | undefined;
  if (!settings || ctx.query['token'] !== settings.token) throw new Unauthorized('Invalid or missing token');
  return true as const;
});

/** Checks before the upgrade that the username is free in the room, so a taken name is a 409. */
export const FreeName = createExtractor('FreeName', (ctx) => {
  const rooms = ctx.extensions.get(ChatRooms) as ChatRooms | undefined;
  const { room = '', username = '' } = ctx.params;
  if (rooms?.has(room, username)) throw new Conflict(`${username} is already in ${room}`);
  return username;
});
