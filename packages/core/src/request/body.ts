import type { EngineResponse as HttpResponse } from '../engine/engine.js';
import { PayloadTooLarge } from '../errors/rejections.js';

/** Thrown into a pending body read when the client went away. Never reaches a client. */
export class RequestAborted extends Error {
  constructor() {
    super('The client aborted the request');
    this.name = 'RequestAborted';
  }
}

/**
 * Buffers a request body from uWS `onData`, which must be attached synchronously in the uWS
 * callback or the data is lost. Stops buffering at `limit` and reports the overflow at once so
 * the caller can answer 413 without reading the rest.
 */
export class BodyReader {
  readonly #limit: number;
  readonly #result: Promise<Uint8Array>;
  #resolve!: (bytes: Uint8Array) => void;
  #reject!: (err: Error) => void;
  #chunks: Uint8Array[] = [];
  #length = 0;
  #done = false;

  constructor(res: HttpResponse, limit: number, onOverflow: (err: PayloadTooLarge) => void) {
    this.#limit = limit;
    this.#result = new Promise<Uint8Array>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A body nobody reads must not become an unhandled rejection.
    this.#result.catch(() => undefined);
    res.onData((chunk, isLast) => {
      if (this.#done) return;
      this.#length += chunk.byteLength;
      if (this.#length > this.#limit) {
        this.#finish(new PayloadTooLarge(this.#limit));
        onOverflow(new PayloadTooLarge(this.#limit));
        return;
      }
      // uWS reuses the chunk's memory after this callback: copy it.
      if (chunk.byteLength > 0) this.#chunks.push(new Uint8Array(chunk.slice(0)));
      if (isLast) this.#finish();
    });
  }

  /** The whole body once the last chunk arrived. Rejects on overflow or abort. */
  bytes(): Promise<Uint8Array> {
    return this.#result;
  }

  /** Called by the request pipeline when uWS reports an abort. */
  abort(): void {
    this.#finish(new RequestAborted());
  }

  #finish(err?: Error): void {
    if (this.#done) return;
    this.#done = true;
    if (err) {
      this.#chunks = [];
      this.#reject(err);
      return;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    if (chunks.length === 1 && chunks[0]) return this.#resolve(chunks[0]);
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    this.#resolve(out);
  }
}

/** An already-complete empty body, for requests that carry none. */
export const EMPTY_BODY: Pick<BodyReader, 'bytes'> = { bytes: () => Promise.resolve(new Uint8Array(0)) };
