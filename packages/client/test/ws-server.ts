// A small programmable WebSocket server on 127.0.0.1 (the `ws` package) for the client's tests:
// it records every frame it receives and lets a test answer, close or stay silent.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface Peer {
  readonly socket: WebSocket;
  readonly url: string;
  /** Frames received from this peer, parsed. */
  readonly frames: Record<string, unknown>[];
  /** Resolves with the next frame matching `match` (already received ones count). */
  frame(match?: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(frame: unknown): void;
}

type OnPeer = (peer: Peer) => void;

export class TestWsServer {
  readonly peers: Peer[] = [];
  #wss: WebSocketServer | undefined;
  #port = 0;
  #onPeer: OnPeer;
  #waiters: ((peer: Peer) => void)[] = [];

  private constructor(onPeer: OnPeer) {
    this.#onPeer = onPeer;
  }

  /** Starts on `port` (0: any free port). `onPeer` runs for each connection; the default answers requests with their own data. */
  static async start(onPeer: OnPeer = echo, port = 0): Promise<TestWsServer> {
    const server = new TestWsServer(onPeer);
    await server.listen(port);
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}/ws`;
  }

  set onPeer(onPeer: OnPeer) {
    this.#onPeer = onPeer;
  }

  /** Resolves with the `n`-th peer (1-based) once it has connected. */
  peer(n = this.peers.length + 1): Promise<Peer> {
    const existing = this.peers[n - 1];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const wait = (peer: Peer) => {
        if (this.peers.length < n) return this.#waiters.push(wait);
        resolve(this.peers[n - 1]!);
      };
      this.#waiters.push(wait);
    });
  }

  async listen(port = this.#port): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    this.#wss = wss;
    wss.on('connection', (socket, request) => {
      const frames: Record<string, unknown>[] = [];
      const listeners: (() => void)[] = [];
      socket.on('message', (data) => {
        frames.push(JSON.parse(String(data)) as Record<string, unknown>);
        for (const listener of listeners.splice(0)) listener();
      });
      const peer: Peer = {
        socket,
        url: request.url ?? '',
        frames,
        frame(match = () => true) {
          let seen = 0;
          return new Promise((resolve) => {
            const check = () => {
              for (; seen < frames.length; seen++) {
                const frame = frames[seen]!;
                if (match(frame)) return resolve(frame);
              }
              listeners.push(check);
            };
            check();
          });
        },
        send(frame) {
          socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        },
      };
      this.peers.push(peer);
      this.#onPeer(peer);
      for (const waiter of this.#waiters.splice(0)) waiter(peer);
    });
    await once(wss, 'listening');
    this.#port = (wss.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection (1006 on the client side unless `code` is given). */
  async stop(code?: number, reason?: string): Promise<void> {
    const wss = this.#wss;
    if (!wss) return;
    this.#wss = undefined;
    for (const client of wss.clients) {
      if (code === undefined) client.terminate();
      else client.close(code, reason);
    }
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Answers every request with its own data, and `$ping` with an empty reply. */
export function echo(peer: Peer): void {
  peer.socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type?: string; id?: number; data?: unknown };
    if (frame.id !== undefined) peer.send({ id: frame.id, data: frame.type === '$ping' ? undefined : frame.data });
  });
}

/** Never answers. */
export function silent(_peer: Peer): void {}
