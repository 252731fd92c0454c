import { Conflict, events, type AdaptedHandler, type WebSocketConnection } from '@kindling/core';
import { chatEvents, encodeEvent, topicOf } from './chat-events.js';
import type { JoinParams } from './chat-protocol.js';
import type { ChatRooms } from './chat-rooms.js';

/** Serves the chat's events on one connection; `events(chatEvents(...))`. */
export type ChatHandler = AdaptedHandler<[JoinParams]>;

const defaultHandler: ChatHandler = events(chatEvents());

/**
 * One member's stay in a room: welcome them, tell the others, serve their events (see
 * {@link chatEvents}) until they leave, then tell the others.
 */
export async function runChat(join: JoinParams, rooms: ChatRooms, ws: WebSocketConnection, handler: ChatHandler = defaultHandler): Promise<void> {
  const { room, username } = join;
  // Two upgrades for one name can pass the check at once; the second is closed 4409.
  if (rooms.has(room, username)) throw Conflict(`${username} is already in ${room}`);
  const topic = topicOf(room);
  rooms.join(room, username);
  ws.subscribe(topic);
  ws.sendText(encodeEvent('chat.welcome', { room, user: username, members: rooms.members(room) }));
  ws.publish(topic, encodeEvent('chat.join', { user: username }));
  try {
    await handler(join, ws);
  } finally {
    rooms.leave(room, username);
    ws.publish(topic, encodeEvent('chat.leave', { user: username }));
  }
}
