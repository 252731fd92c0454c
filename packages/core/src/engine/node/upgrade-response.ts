import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EnginePayload, SocketUserData } from '@kindling/websocket';
import type { EngineResponse } from '../engine.js';
import { addressText } from './address-text.js';
import { bodyOf, ResponseHead } from './response-head.js';

/** Accepts an upgrade on the raw socket: the `ws` server's `handleUpgrade`, wired by the engine. */
export type AcceptUpgrade = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  userData: SocketUserData,
  protocol: string,
  extensions: string,
  headers: readonly string[],
) => void;

const MAX_EARLY_BYTES = 1024 * 1024;

/**
 * The response to an upgrade request in the port's shape. Node hands such a request over as a
 * raw socket, so a refusal is written here as a complete HTTP/1.1 response that closes the
 * connection; an acceptance goes to the `ws` server with the headers written so far.
 */
export class UpgradeResponse implements EngineResponse {
  readonly #req: IncomingMessage;
  readonly #socket: Duplex;
  readonly #head: Buffer;
  readonly #accept: AcceptUpgrade;
  readonly #status = new ResponseHead();
  #answered = false;
  // Bytes the client sent after its request while the upgrade was being decided.
  #early: Buffer[] | undefined;
  #earlyBytes = 0;

  constructor(req: IncomingMessage, socket: Duplex, head: Buffer, accept: AcceptUpgrade) {
    this.#req = req;
    this.#socket = socket;
    this.#head = head;
    this.#accept = accept;
  }

  writeStatus(status: EnginePayload): this {
    this.#status.writeStatus(status);
    return this;
  }

  writeHeader(name: EnginePayload, value: EnginePayload): this {
    this.#status.writeHeader(name, value);
    return this;
  }

  end(body?: EnginePayload, _closeConnection?: boolean): this {
    const { chunk, length } = bodyOf(body);
    this.#write(length, chunk);
    return this;
  }

  endWithoutBody(reportedContentLength?: number, _closeConnection?: boolean): this {
    this.#write(reportedContentLength, '');
    return this;
  }

  onAborted(handler: () => void): this {
    const socket = this.#socket;
    socket.once('close', () => {
      if (!this.#answered) handler();
    });
    // A paused socket never sees the peer leave: read while the decision is pending, keeping
    // what arrives (it belongs to the WebSocket) for the handshake.
    // node's HTTP server keeps half-open sockets: a client that sent FIN has left.
    socket.once('end', () => {
      if (!this.#answered) socket.destroy();
    });
    this.#early = [];
    socket.on('data', this.#keep);
    socket.resume();
    return this;
  }

  onData(_handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    // An upgrade request carries no body: what follows its head belongs to the WebSocket.
    return this;
  }

  cork(cb: () => void): this {
    const socket = this.#socket;
    socket.cork();
    try {
      cb();
    } finally {
      socket.uncork();
    }
    return this;
  }

  getRemoteAddressAsText(): ArrayBuffer {
    return addressText(this.#req.socket.remoteAddress);
  }

  upgrade(userData: SocketUserData, _key: string, protocol: string, extensions: string): void {
    if (this.#answered) throw new Error('The upgrade request was already answered');
    this.#answered = true;
    let head = this.#head;
    const early = this.#early;
    if (early !== undefined) {
      this.#socket.off('data', this.#keep);
      this.#socket.pause();
      if (early.length > 0) head = Buffer.concat([head, ...early]);
      this.#early = undefined;
    }
    this.#accept(this.#req, this.#socket, head, userData, protocol, extensions, this.#status.headers);
  }

  readonly #keep = (chunk: Buffer): void => {
    this.#earlyBytes += chunk.byteLength;
    // Frames before the 101 are allowed, a flood is not.
    if (this.#earlyBytes > MAX_EARLY_BYTES) this.#socket.destroy();
    else this.#early?.push(chunk);
  };

  /** A refusal: the whole response, then the connection closes (an upgrade request is never kept alive). */
  #write(length: number | undefined, chunk: string | Uint8Array): void {
    if (this.#answered) throw new Error('The upgrade request was already answered');
    this.#answered = true;
    const socket = this.#socket;
    if (this.#early !== undefined) socket.off('data', this.#keep);
    if (socket.destroyed) return;
    const head = this.#status;
    let text = `HTTP/1.1 ${head.status} ${head.message}\r\n`;
    const headers = head.headers;
    for (let i = 0; i + 1 < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    if (head.status >= 200 && head.status !== 204 && head.status !== 304) text += `content-length: ${length ?? 0}\r\n`;
    text += `date: ${new Date().toUTCString()}\r\nconnection: close\r\n\r\n`;
    socket.write(text);
    if (typeof chunk !== 'string' || chunk.length > 0) socket.write(chunk);
    socket.end();
    // A peer that never reads must not hold the socket: give the response a moment, then cut.
    setTimeout(() => socket.destroy(), 2000).unref();
  }
}
