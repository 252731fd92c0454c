// The WebSocket constructor the tests hand to the client: Node's own where there is one (Node
// 22+, undici's, which behaves like a browser's), else the `ws` package's (Node 20).
// KINDLING_CLIENT_SOCKET=ws or =global picks one.
import type { SocketConstructor } from '@kindling/client';
import { WebSocket as WsWebSocket } from 'ws';

const choice = process.env['KINDLING_CLIENT_SOCKET'];
const hasGlobal = typeof globalThis.WebSocket === 'function';
if (choice === 'global' && !hasGlobal) throw new Error('KINDLING_CLIENT_SOCKET=global needs Node 22 or later');

export const WebSocket: SocketConstructor = choice !== 'ws' && hasGlobal ? globalThis.WebSocket : WsWebSocket;
