import { preview, previewBytes } from './expectations/expectation-error.js';

/**
 * A message the test socket received: discriminate on `type`.
 *
 * @example
 * ```ts
 * const msg = await ws.nextMessage();
 * if (msg.type === 'text') console.log(msg.text);
 * ```
 */
export type ReceivedMessage = { readonly type: 'text'; readonly text: string } | { readonly type: 'binary'; readonly data: Uint8Array };

/** How a test socket's connection ended, as the test side saw it. */
export interface SocketCloseInfo {
  /** The close code; `1005` when the frame had none, `1006` when TCP ended without one. */
  readonly code: number;
  readonly reason: string;
}

/** One frame in a socket's history, in either direction, for failure messages. */
export interface FrameRecord {
  /** `'in'`: from the server to the test; `'out'`: from the test to the server. */
  readonly direction: 'in' | 'out';
  readonly kind: 'text' | 'binary' | 'ping' | 'pong' | 'close';
  /** A short rendering of the payload. */
  readonly summary: string;
}

const HISTORY_LIMIT = 200;

/**
 * Everything a test socket has received, queued in order so nothing is lost between two
 * expectations: data messages and pongs in separate queues (a pong never gets in the way of
 * `expectText`), the close once it happened, and a history of frames both ways.
 */
export class SocketInbox {
  readonly #messages: ReceivedMessage[] = [];
  readonly #pongs: Uint8Array[] = [];
  readonly #history: FrameRecord[] = [];
  #close: SocketCloseInfo | undefined;
  #wake: (() => void) | undefined;
  #changed: Promise<void> | undefined;

  /** Messages received and not yet consumed by an expectation. */
  get pending(): number {
    return this.#messages.length;
  }

  /** The close, once the connection has ended. */
  get closeInfo(): SocketCloseInfo | undefined {
    return this.#close;
  }

  /** Every frame so far, both directions (the oldest drop off past 200). */
  get history(): readonly FrameRecord[] {
    return this.#history;
  }

  pushMessage(message: ReceivedMessage): void {
    this.#messages.push(message);
    this.#record('in', message.type, summarize(message));
    this.#notify();
  }

  pushPong(data: Uint8Array): void {
    this.#pongs.push(data);
    this.#record('in', 'pong', data.byteLength ? previewBytes(data) : '');
    this.#notify();
  }

  /** A ping from the server (answered by the transport); kept in the history only. */
  recordPing(data: Uint8Array): void {
    this.#record('in', 'ping', data.byteLength ? previewBytes(data) : '');
  }

  /** A frame the test sent. */
  recordSent(kind: FrameRecord['kind'], summary: string): void {
    this.#record('out', kind, summary);
  }

  /** The connection ended; later calls are ignored. */
  markClosed(info: SocketCloseInfo): void {
    if (this.#close) return;
    this.#close = info;
    this.#record('in', 'close', describeClose(info));
    this.#notify();
  }

  takeMessage(): ReceivedMessage | undefined {
    return this.#messages.shift();
  }

  peekMessage(): ReceivedMessage | undefined {
    return this.#messages[0];
  }

  takePong(): Uint8Array | undefined {
    return this.#pongs.shift();
  }

  /** Resolves at the next arrival or close, or after `ms`, whichever comes first. */
  async changed(ms: number): Promise<void> {
    this.#changed ??= new Promise<void>((resolve) => (this.#wake = resolve));
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    try {
      await Promise.race([this.#changed, elapsed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last `count` frames as lines (`← text "hi"`, `→ close 1000`), for failure messages. */
  describeRecent(count = 5): string {
    const recent = this.#history.slice(-count);
    if (recent.length === 0) return '(no frames yet)';
    const lines = recent.map((f) => `${f.direction === 'in' ? '←' : '→'} ${f.kind}${f.summary ? ` ${f.summary}` : ''}`);
    const skipped = this.#history.length - recent.length;
    return (skipped > 0 ? [`… ${skipped} earlier`, ...lines] : lines).join('\n');
  }

  #record(direction: FrameRecord['direction'], kind: FrameRecord['kind'], summary: string): void {
    this.#history.push({ direction, kind, summary });
    if (this.#history.length > HISTORY_LIMIT) this.#history.shift();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    this.#changed = undefined;
    wake?.();
  }
}

/** `1000 "bye"` */
export function describeClose(info: SocketCloseInfo): string {
  return `${info.code}${info.reason ? ` ${preview(info.reason, 120)}` : ''}`;
}

/** A message as it reads in a failure: `text "hi"` or `binary <3 bytes: 01 02 03>`. */
export function describeMessage(message: ReceivedMessage): string {
  return `${message.type} ${summarize(message)}`;
}

function summarize(message: ReceivedMessage): string {
  return message.type === 'text' ? previewText(message.text) : previewBytes(message.data);
}

/** JSON-looking text as is (`{"a":1}`), other text quoted (`"hi"`), long text cut. */
export function previewText(text: string, max = 160): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return /^\s*[[{]/.test(text) && !/[\n\r]/.test(cut) ? cut : JSON.stringify(cut);
}
