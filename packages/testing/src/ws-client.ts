import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { ClientRegistry } from './client-registry.js';
import { resolveTimeout } from './expectations/timeouts.js';
import { PendingWebSocket, type RejectedUpgrade, type UpgradeOutcome } from './pending-websocket.js';
import { headersWithCookies, pathWithQuery, type RequestTargetOptions } from './request-target.js';
import { SocketInbox, type ReceivedMessage } from './socket-inbox.js';
import { TestWebSocket, type SocketTransport } from './test-websocket.js';

/** Options for `server.ws(path, options)`. */
export interface TestWebSocketOptions extends RequestTargetOptions {
  /** Subprotocols offered in `Sec-WebSocket-Protocol`. @default none */
  protocols?: string | readonly string[];
  /** The `Origin` header. @default none (as a non-browser client sends) */
  origin?: string;
  /**
   * Handshake timeout and the default timeout of this socket's expectations.
   * @default the server's `timeoutMs` (2000)
   */
  timeoutMs?: number;
}

/** What the test server hands each client it opens. */
export interface WsClientContext {
  /** `ws://127.0.0.1:port` */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly clients: ClientRegistry;
}

/**
 * Opens a WebSocket with the `ws` package — an implementation independent of the server's —
 * and reports the outcome: open, rejected with an HTTP answer, or failed.
 */
export function connectWebSocket(path: string, options: TestWebSocketOptions, context: WsClientContext): PendingWebSocket {
  const timeoutMs = resolveTimeout(options.timeoutMs, context.timeoutMs);
  const target = pathWithQuery(path, options.query);
  const protocols = options.protocols === undefined ? [] : typeof options.protocols === 'string' ? [options.protocols] : [...options.protocols];
  // Registered before the client exists: a closed server must refuse before anything opens.
  const untrack = context.clients.add(async () => {
    if (socket?.isOpen) await socket.close(1000, 'test server closing', { timeoutMs: 500 });
    else client.terminate();
  });
  const client = new WebSocket(`${context.baseUrl}${target}`, protocols, {
    headers: headersWithCookies(options),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    handshakeTimeout: timeoutMs,
    followRedirects: false,
  });
  const inbox = new SocketInbox();
  let socket: TestWebSocket | undefined;
  let settle: (outcome: UpgradeOutcome) => void = () => undefined;
  const outcome = new Promise<UpgradeOutcome>((resolve) => {
    settle = (value) => {
      settle = () => undefined;
      resolve(value);
    };
  });

  client.on('open', () => {
    socket = new TestWebSocket({ transport: transportOf(client), inbox, target: `ws ${target}`, protocol: client.protocol, timeoutMs });
    settle({ kind: 'open', socket });
  });
  client.on('unexpected-response', (_req, res) => {
    void readRejection(res)
      .then(
        (response) => settle({ kind: 'rejected', response }),
        (error: unknown) => settle({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
      )
      .finally(() => client.terminate());
  });
  client.on('message', (data, isBinary) => inbox.pushMessage(toMessage(data, isBinary)));
  client.on('ping', (data) => inbox.recordPing(new Uint8Array(data)));
  client.on('pong', (data) => inbox.pushPong(new Uint8Array(data)));
  // After the open, errors (a bad frame from the server) are followed by 'close', which the
  // inbox reports; before it, they are the outcome.
  client.on('error', (error) => settle({ kind: 'failed', error }));
  client.on('close', (code, reason) => {
    inbox.markClosed({ code, reason: reason.toString('utf8') });
    untrack();
    settle({ kind: 'failed', error: new Error(`the connection closed before the upgrade completed (${code})`) });
  });
  return new PendingWebSocket(outcome, `ws ${target}`);
}

function transportOf(client: WebSocket): SocketTransport {
  return {
    sendText: (text) => client.send(text),
    sendBinary: (data) => client.send(data, { binary: true }),
    ping: (data) => client.ping(data),
    close: (code, reason) => client.close(code, reason),
    terminate: () => client.terminate(),
  };
}

function toMessage(data: WebSocket.RawData, isBinary: boolean): ReceivedMessage {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return isBinary ? { type: 'binary', data: new Uint8Array(bytes) } : { type: 'text', text: bytes.toString('utf8') };
}

async function readRejection(res: IncomingMessage): Promise<RejectedUpgrade> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return {
    status: res.statusCode ?? 0,
    headers,
    body,
    json: <T>() => JSON.parse(body) as T,
  };
}
