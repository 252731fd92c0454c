import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnginePayload, SocketUserData } from '@kindling/websocket';
import type { EngineResponse } from '../engine.js';
import { addressText } from './address-text.js';
import { bodyOf, ResponseHead } from './response-head.js';

/** A `node:http` response in the port's shape (plain HTTP requests). */
export class NodeResponse implements EngineResponse {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #head = new ResponseHead();
  #ended = false;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
  }

  writeStatus(status: EnginePayload): this {
    this.#head.writeStatus(status);
    return this;
  }

  writeHeader(name: EnginePayload, value: EnginePayload): this {
    this.#head.writeHeader(name, value);
    return this;
  }

  end(body?: EnginePayload, closeConnection?: boolean): this {
    const { chunk, length } = bodyOf(body);
    this.#finish(length, closeConnection === true);
    this.#res.end(chunk);
    return this;
  }

  endWithoutBody(reportedContentLength?: number, closeConnection?: boolean): this {
    this.#finish(reportedContentLength, closeConnection === true);
    this.#res.end();
    return this;
  }

  onAborted(handler: () => void): this {
    this.#res.once('close', () => {
      if (!this.#ended) handler();
    });
    return this;
  }

  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    const req = this.#req;
    req.on('data', (chunk: Buffer) => handler(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer, false));
    req.once('end', () => handler(new ArrayBuffer(0), true));
    return this;
  }

  cork(cb: () => void): this {
    cb();
    return this;
  }

  getRemoteAddressAsText(): ArrayBuffer {
    return addressText(this.#req.socket.remoteAddress);
  }

  upgrade(_userData: SocketUserData): void {
    throw new Error('upgrade() is only possible on an upgrade request');
  }

  #finish(length: number | undefined, close: boolean): void {
    if (this.#ended) throw new Error('The response was already answered');
    this.#ended = true;
    const head = this.#head;
    const status = head.status;
    // 1xx, 204 and 304 carry no body and no length.
    if (length !== undefined && status >= 200 && status !== 204 && status !== 304) head.headers.push('content-length', String(length));
    if (close) head.headers.push('connection', 'close');
    this.#res.writeHead(status, head.message, head.headers);
  }
}
