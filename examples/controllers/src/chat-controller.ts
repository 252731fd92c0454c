import { Conflict, Conn, Controller, Extract, Get, Param, Path, Query, validateDto, WebSocket, type WebSocketConnection } from '@kindling/core';
import { ChatAccess, FreeName } from './chat-extractors.js';
import { ChatInput, JoinParams, JoinQuery, type ChatEvent } from './chat-protocol.js';
import { ChatRooms } from './chat-rooms.js';

const topicOf = (room: string) => `room:${room}`;
const encode = (event: ChatEvent) => JSON.stringify(event);

/**
 * The chat as a controller: `ws://host/chat/{room}/{username}?token=...`. The path, the token
 * and a free username are checked before the upgrade (400 / 401 / 409, never a 101). Joining
 * tells the others; every message goes to the whole room, sender included; leaving tells the
 * others.
 */
@Controller()
export class ChatController {
  constructor(private readonly rooms: ChatRooms) {}

  @Get('/health')
  health() {
    return { ok: true };
  }

  @Get('/rooms/{room}')
  members(@Param('room') room: string) {
    return { room, members: this.rooms.members(room) };
  }

  @WebSocket('/chat/{room}/{username}')
  async join(
    @Path() path: JoinParams,
    @Query() _query: JoinQuery,
    @Extract(ChatAccess) _access: true,
    @Extract(FreeName) _free: string,
    @Conn() ws: WebSocketConnection,
  ) {
    const { room, username } = path;
    // Two upgrades for one name can pass the check at once; the second is closed 4409.
    if (this.rooms.has(room, username)) throw Conflict(`${username} is already in ${room}`);
    const topic = topicOf(room);
    this.rooms.join(room, username);
    ws.subscribe(topic);
    ws.sendJson({ type: 'welcome', room, user: username, members: this.rooms.members(room) } satisfies ChatEvent);
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
      this.rooms.leave(room, username);
      ws.publish(topic, encode({ type: 'leave', user: username }));
    }
  }
}

async function parseInput(text: string): Promise<ChatInput | undefined> {
  try {
    return await validateDto(ChatInput, JSON.parse(text));
  } catch {
    return undefined;
  }
}
