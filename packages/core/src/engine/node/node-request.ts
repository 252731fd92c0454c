import type { IncomingMessage } from 'node:http';
import type { EngineRequest } from '../engine.js';

/** A `node:http` request in the port's shape. */
export class NodeRequest implements EngineRequest {
  readonly #req: IncomingMessage;
  readonly #url: string;
  readonly #queryAt: number;

  constructor(req: IncomingMessage) {
    this.#req = req;
    this.#url = req.url ?? '/';
    this.#queryAt = this.#url.indexOf('?');
  }

  getCaseSensitiveMethod(): string {
    return this.#req.method ?? 'GET';
  }

  getUrl(): string {
    return this.#queryAt === -1 ? this.#url : this.#url.slice(0, this.#queryAt);
  }

  getQuery(): string {
    return this.#queryAt === -1 ? '' : this.#url.slice(this.#queryAt + 1);
  }

  forEach(cb: (name: string, value: string) => void): void {
    // rawHeaders keeps every line as sent (repeats included), names in their original case.
    const raw = this.#req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) cb((raw[i] as string).toLowerCase(), raw[i + 1] as string);
  }
}
