import { Conflict, validateDto, type WebSocketConnection } from '@kindling/core';
import { ChatInput, type ChatEvent, type JoinParams } from './chat-protocol.js';
import type { ChatRooms } from './chat-rooms.js';

const topicOf = (room: string) => `room:${room}`;
const encode = (event: ChatEvent) => JSON.stringify(event);

/**
 * One member's stay in a room: welcome them, tell the others, relay their messages to the
 * whole room (sender included) until they leave, then tell the others.
 */
export async function runChat({ room, username }: JoinParams, rooms: ChatRooms, ws: WebSocketConnection): Promise<void> {
  // Two upgrades for one name can pass the check at once; the second is closed 4409.
  if (rooms.has(room, username)) throw new Conflict(`${username} is already in ${room}`);
  const topic = topicOf(room);
  rooms.join(room, username);
  ws.subscribe(topic);
  ws.sendJson({ type: 'welcome', room, user: username, members: rooms.members(room) } satisfies ChatEvent);
  ws.publish(topic, encode({ type: 'join', user: username }));
  try {
    for await (const msg of ws) {
      const input = await parseInput(msg.type === 'text' ? msg.text : '');
      if (!input) {
        ws.sendJson({ type: 'error', code: 'VALIDATION_FAILED', message: 'Send {"type":"message","text":"..."} (1-500 characters)' } satisfies ChatEvent);
        continue;
      }
      const event = encode({ type: 'message', user: username, text: input.text, at: new Date().toISOString() });
      ws.publish(topic, event);
      ws.sendText(event);
    }
  } finally {
    rooms.leave(room, username);
    ws.publish(topic, encode({ type: 'leave', user: username }));
  }
}

async function parseInput(text: string): Promise<ChatInput | undefined> {
  try {
    return await validateDto(ChatInput, JSON.parse(text));
  } catch {
    return undefined;
  }
}
