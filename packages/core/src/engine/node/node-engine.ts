import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { EnginePayload, SocketUserData } from '@kindling/websocket';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { ListenError, listenErrorFrom } from '../../server/listen-error.js';
import type {
  Engine,
  EngineBehavior,
  EngineHttpHandler,
  EngineListenOptions,
  EngineServer,
  EngineServerOptions,
  EngineTls,
  EngineUpgradeHandler,
} from '../engine.js';
import { answerClientError } from './client-error.js';
import { NodeRequest } from './node-request.js';
import { NodeResponse } from './node-response.js';
import { NodeSocket, type NodeSocketContext } from './node-socket.js';
import { NodeTopics } from './node-topics.js';
import { UpgradeResponse } from './upgrade-response.js';

/** Any non-zero value turns compression on: the `node` engine has one deflate setting. */
const COMPRESSION_ON = 1;

/**
 * The `node` engine: `node:http` / `node:https` and the `ws` package in `noServer` mode. Strict
 * RFC 6455 and HTTP/1.1 parsing, on any Node from 20 on; slower than uWS. See docs/engines.md.
 */
export class NodeEngine implements Engine {
  readonly name = 'node';

  compression(on: boolean): number {
    return on ? COMPRESSION_ON : 0;
  }

  createServer(options: EngineServerOptions): EngineServer {
    return new NodeServer(options.tls, options.maxHeaderBytes);
  }
}

// What the upgrade pipeline decided, carried to ws's handshake hooks on the request object.
const kAccepted = Symbol('kindling.accepted');
interface AcceptedUpgrade {
  readonly protocol: string;
  readonly headers: readonly string[];
}
type UpgradeRequest = IncomingMessage & { [kAccepted]?: AcceptedUpgrade };

class NodeServer implements EngineServer {
  readonly #server: Server;
  readonly #topics = new NodeTopics();
  readonly #sockets = new Set<NodeSocket>();
  #context: NodeSocketContext | undefined;
  #wss: WebSocketServer | undefined;
  #http: EngineHttpHandler | undefined;

  constructor(tls: EngineTls | undefined, maxHeaderBytes: number) {
    // Kindling answers 431 itself at its own limit: node's parser must not refuse first.
    const maxHeaderSize = Math.max(16 * 1024, maxHeaderBytes * 2);
    this.#server = tls
      ? createHttpsServer({
          cert: readFileSync(tls.certFile),
          key: readFileSync(tls.keyFile),
          ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
          maxHeaderSize,
        })
      : createHttpServer({ maxHeaderSize });
    this.#server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#http?.(new NodeResponse(req, res), new NodeRequest(req)));
    this.#server.on('clientError', answerClientError);
  }

  ws(behavior: EngineBehavior): void {
    this.#context = { behavior, registry: this.#topics, live: this.#sockets };
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: behavior.maxPayloadLength,
      perMessageDeflate: behavior.compression !== 0,
      handleProtocols: (_offered, req: UpgradeRequest) => req[kAccepted]?.protocol || false,
    });
    wss.on('headers', (headers: string[], req: UpgradeRequest) => {
      const extra = req[kAccepted]?.headers;
      if (extra !== undefined) for (let i = 0; i + 1 < extra.length; i += 2) headers.push(`${extra[i]}: ${extra[i + 1]}`);
    });
    this.#wss = wss;
    const upgrade: EngineUpgradeHandler = behavior.upgrade;
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const res = new UpgradeResponse(req, socket, head, this.#accept);
      // Another protocol than WebSocket (h2c, ...) is a plain request answered on this connection.
      if (req.headers.upgrade?.toLowerCase() !== 'websocket' && this.#http !== undefined) return this.#http(res, new NodeRequest(req));
      upgrade(res, new NodeRequest(req), undefined);
    });
  }

  any(handler: EngineHttpHandler): void {
    this.#http = handler;
  }

  publish(topic: string, message: EnginePayload, isBinary?: boolean, compress?: boolean): boolean {
    return this.#topics.publish(topic, undefined, message, isBinary === true, compress === true);
  }

  listen(options: EngineListenOptions): Promise<number> {
    if (options.reusePort && !supportsReusePort()) {
      return Promise.reject(
        new ListenError('ENOTSUP', options.host, options.port, {
          cause: new Error(`reusePort needs Node 22.12 or later on the node engine (this is ${process.version})`),
        }),
      );
    }
    const server = this.#server;
    return new Promise((resolve, reject) => {
      const failed = (err: unknown) => reject(listenErrorFrom(err, options.host, options.port));
      server.once('error', failed);
      server.listen({ host: options.host, port: options.port, exclusive: true, ...(options.reusePort ? { reusePort: true } : {}) }, () => {
        server.off('error', failed);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : options.port);
      });
    });
  }

  stopListening(): void {
    // Stops accepting and closes idle keep-alive connections; requests in flight finish.
    if (this.#server.listening) this.#server.close();
  }

  close(): void {
    this.stopListening();
    this.#server.closeAllConnections();
    for (const socket of [...this.#sockets]) socket.terminate();
  }

  /** ws's handshake for an accepted upgrade; `open` runs inside it, before it returns. */
  readonly #accept = (
    req: UpgradeRequest,
    socket: Duplex,
    head: Buffer,
    userData: SocketUserData,
    protocol: string,
    extensions: string,
    headers: readonly string[],
  ): void => {
    const wss = this.#wss;
    const context = this.#context;
    if (wss === undefined || context === undefined) throw new Error('No WebSocket behavior');
    req[kAccepted] = { protocol, headers };
    // No extension accepted by the route: let ws negotiate none.
    if (extensions === '') delete req.headers['sec-websocket-extensions'];
    wss.handleUpgrade(req, socket, head, (ws: WsSocket) => {
      // In context.live until the TCP connection is gone, not only until Kindling counts it
      // closed: close() must also cut ws's wait (up to 30 s) for the peer's close frame.
      context.behavior.open(new NodeSocket(ws, socket, userData, context));
    });
    // The socket may have been paused while the upgrade was decided; ws reads it from now on.
    if (!socket.destroyed) socket.resume();
  };
}

function supportsReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}
