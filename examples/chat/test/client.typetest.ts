// Compile-time tests: type-checked with the test build, never run. The chat's contract,
// derived from its events definition, types a client: misuse is a compile error.
import type { Client } from '@kindling/client';
import type { ChatContract } from '../src/chat-events.js';
import type { ChatMessage } from '../src/chat-protocol.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

export async function chat(client: Client<ChatContract>): Promise<void> {
  const reply = await client.request('chat.send', { text: 'hi' });
  expectEqual<typeof reply, ChatMessage>(true);
  client.on('chat.welcome', (welcome) => expectEqual<typeof welcome.members, string[]>(true));
  client.on('chat.leave', ({ user }) => expectEqual<typeof user, string>(true));

  // @ts-expect-error a wrong event name
  await client.request('chat.say', { text: 'hi' });
  // @ts-expect-error a wrong payload shape
  await client.request('chat.send', { message: 'hi' });
  // @ts-expect-error the reply is a ChatMessage, not a number
  const count: number = await client.request('chat.send', { text: 'hi' });
  void count;
  // @ts-expect-error chat.welcome is sent by the server, not the client
  client.emit('chat.welcome', { room: 'x', user: 'y', members: [] });
  // @ts-expect-error chat.message carries no field "body"
  client.on('chat.message', (message) => message.body);
}
