import { Router } from '@kindling/core';
import { ChatSettings } from './chat-extractors.js';
import { ChatController } from './chat-controller.js';
import { ChatRooms } from '@kindling/example-chat/rooms';

/** Settings of the chat server. */
export interface ChatOptions {
  /** The token a client must present in `?token=`. */
  token: string;
}

/**
 * The chat router built from {@link ChatController}: the same routes and behaviour as the DSL
 * chat in examples/chat. The rooms are also an extension, for the `FreeName` check that runs
 * before the upgrade.
 */
export function createChatRouter(options: ChatOptions, rooms = new ChatRooms()): Router {
  return new Router().extension(rooms).extension(new ChatSettings(options.token)).controller(new ChatController(rooms));
}
