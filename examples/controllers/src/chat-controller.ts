import { Conn, Controller, Extract, Get, Param, Path, Query, WebSocket, type WebSocketConnection } from '@kindling/core';
import { JoinParams, JoinQuery } from '@kindling/example-chat/protocol';
import { ChatRooms } from '@kindling/example-chat/rooms';
import { runChat } from '@kindling/example-chat/session';
import { ChatAccess, FreeName } from './chat-extractors.js';

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
    // The stay in the room is the same code as the router version: only the routing differs.
    await runChat(path, this.rooms, ws);
  }
}
