// Compile-time tests: type-checked with the test build, never run. A contract types every
// call: wrong event names, payloads and reply uses are errors.
import { type Client, createClient, type EventsContract, type ReplyOf } from '@kindling/client';
import { WebSocket } from 'ws';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

type Chat = {
  requests: {
    'chat.send': { data: { text: string }; reply: { at: string } };
    // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing has a void reply in a server's contract
    'chat.typing': { data: void; reply: void };
  };
  emits: { 'chat.message': { user: string; text: string }; 'chat.cleared': undefined };
};

// A server's contract (a mapped type, as ContractOf produces) fits the structural one.
type Mapped = { [K in 'requests' | 'emits']: K extends 'requests' ? { ping: { data: number; reply: string } } : { pong: string } };
const fits: EventsContract = {} as Mapped;
void fits;

export async function typed(client: Client<Chat>): Promise<void> {
  const reply = await client.request('chat.send', { text: 'hi' });
  expectEqual<typeof reply, { at: string }>(true);
  expectEqual<ReplyOf<Chat, 'chat.send'>, { at: string }>(true);
  // Events without data need none.
  const none = await client.request('chat.typing');
  expectEqual<typeof none, void>(true);
  client.emit('chat.typing');
  client.emit('chat.send', { text: 'no reply wanted' });
  client.on('chat.message', (message) => expectEqual<typeof message, { user: string; text: string }>(true));
  client.on('chat.cleared', () => {});

  // @ts-expect-error a wrong event name
  await client.request('chat.sned', { text: 'hi' });
  // @ts-expect-error a wrong payload shape
  await client.request('chat.send', { txt: 'hi' });
  // @ts-expect-error a missing payload
  await client.request('chat.send');
  // @ts-expect-error the reply has no such field
  void (await client.request('chat.send', { text: 'hi' })).user;
  // @ts-expect-error the reply is not a string
  const wrongReply: string = await client.request('chat.send', { text: 'hi' });
  void wrongReply;
  // @ts-expect-error a wrong emit payload
  client.emit('chat.send', { text: 1 });
  // @ts-expect-error an event the server does not emit
  client.on('chat.messages', () => {});
  // @ts-expect-error a listener expecting the wrong data
  client.on('chat.message', (message: { body: string }) => message);
  // @ts-expect-error requests are not server events
  client.on('chat.send', () => {});
  // @ts-expect-error a request option that does not exist
  await client.request('chat.send', { text: 'hi' }, { timeout: 5 });
}

// Without a contract every name and payload is allowed and replies are unknown.
export async function untyped(): Promise<void> {
  const client = createClient('ws://127.0.0.1:1/', { WebSocket });
  const reply = await client.request('anything', { at: 'all' });
  expectEqual<typeof reply, unknown>(true);
  client.close();
}
