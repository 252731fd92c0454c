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

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new KindlingError('INVALID_JSON', { cause: err });
  }
}

// Classes (not object literals with closures) so every message shares one prototype and one
// hidden class: a message costs one small object on the hot path.
class TextMessageImpl implements TextMessage {
  readonly type: 'text';
  readonly text: string;
  constructor(text: string) {
    this.type = 'text';
    this.text = text;
  }
  json<T = unknown>(): T {
    return parseJson<T>(this.text);
  }
}

class BinaryMessageImpl implements BinaryMessage {
  readonly type: 'binary';
  readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.type = 'binary';
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
  return new TextMessageImpl(text);
}

/** Creates a {@link BinaryMessage} that holds `data` as given (no copy). */
export function binaryMessage(data: Uint8Array): BinaryMessage {
  return new BinaryMessageImpl(data);
}

/**
 * Builds a {@link Message} from the buffer a uWS `message` callback receives. uWS detaches
 * that buffer when the callback returns, so the bytes are copied (binary) or decoded (text)
 * here, before anything can keep a reference.
 */
export function messageFromFrame(frame: ArrayBuffer, isBinary: boolean): Message {
  if (isBinary) return new BinaryMessageImpl(new Uint8Array(new Uint8Array(frame)));
  return new TextMessageImpl(decoder.decode(frame));
}

/** True for a value built by {@link textMessage}, {@link binaryMessage} or received from a peer. */
export function isMessage(value: unknown): value is Message {
  return value instanceof TextMessageImpl || value instanceof BinaryMessageImpl;
}
