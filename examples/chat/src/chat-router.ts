import { Conflict, createExtractor, Path, Query, Router, State, Unauthorized, validateDto } from '@kindling/core';
import { ChatInput, JoinParams, JoinQuery, type ChatEvent } from './chat-protocol.js';
import { ChatRooms } from './chat-rooms.js';

/** Settings of the chat server. */
export interface ChatOptions {
  /** The token a client must present in `?token=`. */
  token: string;
}

const topicOf = (room: string) => `room:${room}`;
const encode = (event: ChatEvent) => JSON.stringify(event);

/**
 * The chat: `ws://host/chat/{room}/{username}?token=...`. The token and a free username are
 * checked before the upgrade (401 / 409, never a 101). Joining tells the others; every message
 * goes to the whole room, sender included; leaving tells the others.
 */
export function createChatRouter(options: ChatOptions, rooms = new ChatRooms()): Router {
  const Access = createExtractor('ChatAccess', (ctx) => {
    const token = ctx.query['token'];
    if (token !== options.token) throw Unauthorized('Invalid or missing token');
    return true as const;
  });
  // Checked before the upgrade so a taken name is a 409, not a 101 followed by a close.
  const FreeName = createExtractor('FreeName', (ctx) => {
    const { room = '', username = '' } = ctx.params;
    if (rooms.has(room, username)) throw Conflict(`${username} is already in ${room}`);
    return username;
  });

  return new Router()
    .state(rooms)
    .get('/health', () => ({ ok: true }))
    .get('/rooms/{room}', [Path(), State<ChatRooms>()], (path, state) => ({ room: path.room, members: state.members(path.room) }))
    .websocket(
      '/chat/{room}/{username}',
      [Path(JoinParams), Query(JoinQuery), Access, FreeName, State<ChatRooms>()],
      async ({ room, username }, _query, _access, _free, state, ws) => {
        // Two upgrades for one name can pass the check at once; the second is closed 4409.
        if (state.has(room, username)) throw Conflict(`${username} is already in ${room}`);
        const topic = topicOf(room);
        state.join(room, username);
        ws.subscribe(topic);
        ws.sendJson({ type: 'welcome', room, user: username, members: state.members(room) } satisfies ChatEvent);
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
          state.leave(room, username);
          ws.publish(topic, encode({ type: 'leave', user: username }));
        }
      },
    );
}

async function parseInput(text: string): Promise<ChatInput | undefined> {
  try {
    return await validateDto(ChatInput, JSON.parse(text));
  } catch {
    return undefined;
  }
}
