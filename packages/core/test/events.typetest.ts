// Compile-time tests: this file is type-checked with the test build and never run. An events
// definition types its handlers (extracted values, the connection, the data), the replies, the
// server events and the contract a client imports.
import { IsInt, IsString } from 'class-validator';
import {
  OnEvent,
  Path,
  Query,
  Router,
  defineEvents,
  events,
  on,
  payload,
  type ContractOf,
  type EmitType,
  type EventConnection,
  type EventsContract,
  type EventsFor,
  type EventsTypeError,
  type WebSocketConnection,
} from '@kindling/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

class Join {
  @IsString() nick!: string;
}
class ChatSend {
  @IsString() text!: string;
}
class Add {
  @IsInt() a!: number;
}
class ChatMessage {
  from!: string;
  text!: string;
}
interface ChatEmits {
  'chat.message': ChatMessage;
  'chat.notice': { text: string };
}

// A definition on its own, with no extracted values: handlers, replies and emits are inferred.
export const plain = defineEvents(
  {
    'chat.send': on(ChatSend, (ws, msg) => {
      expectEqual<typeof msg, ChatSend>(true);
      return { accepted: msg.text.length };
    }),
    'math.add': on(Add, async (_ws, sum) => sum.a + 1),
    ping: on(() => 'pong' as const),
    leave: on((ws) => {
      ws.close();
    }),
  },
  { emits: { 'chat.message': ChatMessage, 'chat.notice': payload<{ text: string }>() } },
);

type Plain = ContractOf<typeof plain>;
expectEqual<Plain['requests']['chat.send'], { readonly data: ChatSend; readonly reply: { accepted: number } }>(true);
expectEqual<Plain['requests']['math.add']['reply'], number>(true);
expectEqual<Plain['requests']['ping']['reply'], 'pong'>(true);
expectEqual<Plain['requests']['leave']['reply'], void>(true);
expectEqual<Simplify<Plain['emits']>, { readonly 'chat.message': ChatMessage; readonly 'chat.notice': { text: string } }>(true);
// The contract has the shape @kindling/client declares.
const contract: EventsContract = null as unknown as Plain;
void contract;

// A wrong event name, a wrong reply type: compile errors where the contract is used.
// @ts-expect-error 'chat.sned' is not an event of the definition
type Misspelt = Plain['requests']['chat.sned'];
// @ts-expect-error the reply of chat.send is { accepted: number }, not a string
const wrongReply: string = null as unknown as Plain['requests']['chat.send']['reply'];
// @ts-expect-error the data of chat.send is a ChatSend, not an Add
const wrongData: Add = null as unknown as Plain['requests']['chat.send']['data'];
void wrongReply;
void wrongData;

// A definition written away from its route: `satisfies EventsFor<[...], Emits>` types the
// extracted values and checks ws.emit against the emits.
export const chat = defineEvents(
  {
    'chat.send': on(ChatSend, (join, ws, msg) => {
      expectEqual<typeof join, Join>(true);
      expectEqual<typeof ws, EventConnection<ChatEmits>>(true);
      ws.emit('chat.message', { from: join.nick, text: msg.text });
      ws.emit('chat.notice', { text: 'sent' });
      // @ts-expect-error 'chat.messsage' is not one of the definition's emits
      ws.emit('chat.messsage', { from: join.nick, text: msg.text });
      // @ts-expect-error chat.message carries a ChatMessage: `txt` is not one of its properties
      ws.emit('chat.message', { from: join.nick, txt: msg.text });
      // @ts-expect-error chat.notice carries { text: string }
      ws.emit('chat.notice', { text: 1 });
      // The typed connection is still a WebSocketConnection.
      const plainConnection: WebSocketConnection = ws;
      void plainConnection;
      return true;
    }),
    // @ts-expect-error the data of this event is validated into a ChatSend, not an Add
    'bad.data': on(ChatSend, (_join, _ws, msg: Add) => msg.a),
  },
  { emits: { 'chat.message': ChatMessage, 'chat.notice': payload<{ text: string }>() } },
) satisfies EventsFor<[Join], ChatEmits>;

export const noEmits = defineEvents({
  say: on(ChatSend, (ws, msg) => {
    // @ts-expect-error this definition declares no emits: the type says so in its message
    ws.emit('chat.message', { text: msg.text });
  }),
}) satisfies EventsFor<[]>;
expectEqual<EmitType<{}>, string & EventsTypeError<'This events definition declares no emits: list them in defineEvents(handlers, { emits })'>>(true);
expectEqual<
  ContractOf<string>,
  EventsTypeError<'ContractOf takes the type of an events definition: ContractOf<typeof definition>, where definition = defineEvents(...)'>
>(true);

// On routes: inline, the route's extractors type every handler; a definition must fit its route.
new Router()
  .websocket(
    '/rooms/{room}',
    [Path(), Query(Join)],
    events(
      defineEvents({
        'chat.send': on(ChatSend, (path, join, ws, msg) => {
          expectEqual<Simplify<typeof path>, { room: string }>(true);
          expectEqual<typeof join, Join>(true);
          expectEqual<typeof msg, ChatSend>(true);
          return ws.id;
        }),
      }),
      { concurrency: 4 },
    ),
  )
  .websocket('/chat', [Query(Join)], events(chat))
  .websocket('/plain', events(plain))
  // @ts-expect-error chat's handlers take a Join first, and this route extracts nothing
  .websocket('/no-join', events(chat));

// @ts-expect-error on() takes a handler
on(ChatSend);
// @ts-expect-error 'limit' is not an event option
on(() => 1, { limit: 3 });
// @ts-expect-error a DTO class is a class, not an instance
on(new ChatSend(), () => 1);

class Controllers {
  // @ts-expect-error 'json' is an @OnMessage option; @OnEvent takes dto
  @OnEvent('a', { json: ChatSend }) a() {}
  @OnEvent('b', { dto: ChatSend, path: '/b', concurrency: 2, rateLimit: { messages: 1, perMs: 1_000 } }) b() {}
}
void Controllers;
