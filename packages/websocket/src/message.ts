import { KindlingError } from './errors/kindling-error.js';

/** A text frame received from the peer. */
export interface TextMessage {
  readonly type: 'text';
  /** The frame's text (the engine has already checked it is valid UTF-8). */
  readonly text: string;
  /** Parses the text as JSON. Throws `KindlingError('INVALID_JSON')` (close code 1007). */
  json<T = unknown>(): T;
}

/** A binary frame received from the peer. */
export interface BinaryMessage {
  readonly type: 'binary';
  /** The frame's bytes: a private copy, safe to keep after the handler moves on. */
  readonly data: Uint8Array;
  /** Decodes the bytes as UTF-8 and parses them as JSON. Throws `KindlingError('INVALID_JSON')`. */
  json<T = unknown>(): T;
}

/**
 * One message from the peer: discriminate on `type`.
 *
 * @example
 * ```ts
 * for await (const msg of ws) {
 *   if (msg.type === 'text') ws.send(`Echo: ${msg.text}`);
 *   else ws.send(msg.data);
 * }
 * ```
 */
export type Message = TextMessage | BinaryMessage;

const decoder = new TextDecoder();
const inspect = Symbol.for('nodejs.util.inspect.custom');

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new KindlingError('INVALID_JSON', { cause: err });
  }
}

/**
 * A text message whose text may be decoded on first read. While the engine's `message`
 * callback runs, it reads straight from the frame; {@link releaseFrame} then keeps a copy of
 * the bytes unless the text was already read. A handler that only forwards the message (an
 * echo, a publish) never pays for decoding, and a send during the callback reuses the frame.
 */
class TextMessageImpl implements TextMessage {
  readonly type = 'text' as const;
  #text: string | undefined;
  // The engine's frame, valid only during its `message` callback.
  #frame: ArrayBuffer | undefined;
  // A private copy of the frame, kept until the text is first read.
  #bytes: Uint8Array | undefined;

  constructor(text: string | undefined, frame: ArrayBuffer | undefined) {
    this.#text = text;
    this.#frame = frame;
    this.#bytes = undefined;
  }

  get text(): string {
    const text = this.#text;
    if (text !== undefined) return text;
    const source = this.#frame ?? this.#bytes;
    // Decoding is total: the engine rejected invalid UTF-8 before the frame reached JS.
    const decoded = source === undefined ? '' : decoder.decode(source);
    this.#text = decoded;
    this.#bytes = undefined;
    return decoded;
  }

  json<T = unknown>(): T {
    return parseJson<T>(this.text);
  }

  toJSON(): { type: 'text'; text: string } {
    return { type: 'text', text: this.text };
  }

  [inspect](): { type: 'text'; text: string } {
    return this.toJSON();
  }

  static frameOf(msg: TextMessageImpl): ArrayBuffer | undefined {
    return msg.#frame;
  }

  static release(msg: TextMessageImpl): void {
    const frame = msg.#frame;
    if (frame === undefined) return;
    msg.#frame = undefined;
    if (msg.#text === undefined) msg.#bytes = new Uint8Array(new Uint8Array(frame));
  }
}

class BinaryMessageImpl implements BinaryMessage {
  readonly type = 'binary' as const;
  readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }
  json<T = unknown>(): T {
    return parseJson<T>(decoder.decode(this.data));
  }
}

/**
 * Creates a {@link TextMessage}, e.g. to feed a handler in a test.
 *
 * @example
 * ```ts
 * textMessage('{"n":1}').json(); // { n: 1 }
 * ```
 */
export function textMessage(text: string): TextMessage {
  if (typeof text !== 'string') throw new TypeError('textMessage(text): text must be a string');
  return new TextMessageImpl(text, undefined);
}

/** Creates a {@link BinaryMessage} that holds `data` as given (no copy). */
export function binaryMessage(data: Uint8Array): BinaryMessage {
  return new BinaryMessageImpl(data);
}

/**
 * Builds a {@link Message} from the buffer a uWS `message` callback receives. uWS detaches
 * that buffer when the callback returns, so the bytes are copied (binary) or decoded (text)
 * here, before anything can keep a reference. For a message read later (queued), decoding
 * now is the cheapest form to keep: it is read as text and sent as text.
 */
export function messageFromFrame(frame: ArrayBuffer, isBinary: boolean): Message {
  if (isBinary) return new BinaryMessageImpl(new Uint8Array(new Uint8Array(frame)));
  return new TextMessageImpl(decoder.decode(frame), undefined);
}

/**
 * A message that reads from `frame` while the uWS `message` callback runs. The caller must
 * call {@link releaseFrame} before that callback returns.
 */
export function liveMessage(frame: ArrayBuffer, isBinary: boolean): Message {
  if (isBinary) return new BinaryMessageImpl(new Uint8Array(new Uint8Array(frame)));
  return new TextMessageImpl(undefined, frame);
}

/** Detaches a {@link liveMessage} from its frame, copying the bytes unless the text was read. */
export function releaseFrame(msg: Message): void {
  if (msg instanceof TextMessageImpl) TextMessageImpl.release(msg);
}

/** Decodes a live message's text now, for a consumer that keeps it to read later. */
export function decodeNow(msg: Message): void {
  if (msg instanceof TextMessageImpl) void msg.text;
}

/**
 * The still-valid frame of a text message received in the current uWS callback, so sending
 * it (an echo, a forward) reuses its bytes instead of encoding its text again.
 */
export function liveFrameOf(data: unknown): ArrayBuffer | undefined {
  return data instanceof TextMessageImpl ? TextMessageImpl.frameOf(data) : undefined;
}

/** True for a value built by {@link textMessage}, {@link binaryMessage} or received from a peer. */
export function isMessage(value: unknown): value is Message {
  return value instanceof TextMessageImpl || value instanceof BinaryMessageImpl;
}
