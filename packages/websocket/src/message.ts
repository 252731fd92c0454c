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

// V8 keeps a typed array of up to 64 bytes inside the JS heap, so copying a frame that small
// costs less than decoding it; a larger copy gets a buffer of its own and costs several decodes.
const MAX_COPIED_BYTES = 64;

/**
 * A text message whose text may be decoded on first read. It can hold the engine's frame, valid
 * until uWS detaches it when its `message` callback returns (the microtasks queued during the
 * callback run before that, so a `for await` loop resumed by the message still finds it valid);
 * a send while the frame is valid reuses its bytes instead of encoding the text again.
 * A {@link liveMessage} reads the frame until {@link releaseFrame}, which keeps a copy of the
 * bytes unless the text was read: a handler that only forwards it never pays for decoding.
 */
class TextMessageImpl implements TextMessage {
  readonly type = 'text' as const;
  #text: string | undefined;
  // The engine's frame; detached (byteLength 0) once its callback returned.
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
    // Without text, a frame is still valid: `releaseFrame` drops it before uWS detaches it.
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
    const frame = msg.#frame;
    if (frame === undefined || frame.byteLength !== 0) return frame;
    msg.#frame = undefined;
    return undefined;
  }

  static release(msg: TextMessageImpl): void {
    const frame = msg.#frame;
    if (frame === undefined) return;
    msg.#frame = undefined;
    if (msg.#text !== undefined) return;
    if (frame.byteLength <= MAX_COPIED_BYTES) msg.#bytes = new Uint8Array(new Uint8Array(frame));
    else msg.#text = decoder.decode(frame);
  }

  static settle(msg: TextMessageImpl): void {
    void msg.text;
    msg.#frame = undefined;
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

/** A binary message holding its own copy of the engine's frame (uWS detaches the frame). */
function copiedBinary(frame: ArrayBuffer): BinaryMessage {
  return new BinaryMessageImpl(new Uint8Array(new Uint8Array(frame)));
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
 * Builds a {@link Message} from the buffer a uWS `message` callback receives, for a reader
 * that may take it after the callback returned (when uWS detaches the buffer). Binary bytes are
 * copied. Text is decoded now: most readers read it, and keeping a byte copy instead made a
 * forwarding `for await` echo no faster and a reading one slower. The message also keeps the
 * frame, so forwarding it while the frame is valid sends those bytes instead of encoding the
 * text again.
 */
export function messageFromFrame(frame: ArrayBuffer, isBinary: boolean): Message {
  if (isBinary) return copiedBinary(frame);
  return new TextMessageImpl(decoder.decode(frame), frame);
}

/**
 * A message that reads from `frame` while the uWS `message` callback runs. The caller must
 * call {@link releaseFrame} before that callback returns.
 */
export function liveMessage(frame: ArrayBuffer, isBinary: boolean): Message {
  if (isBinary) return copiedBinary(frame);
  return new TextMessageImpl(undefined, frame);
}

/** A message that owns its content from the start: text decoded now, binary bytes copied. */
export function keptMessage(frame: ArrayBuffer, isBinary: boolean): Message {
  if (isBinary) return copiedBinary(frame);
  return new TextMessageImpl(decoder.decode(frame), undefined);
}

/**
 * Detaches a {@link liveMessage} from its frame. Unless the text was read, the message keeps a
 * copy of the bytes (up to 64) or decodes the text.
 */
export function releaseFrame(msg: Message): void {
  if (msg instanceof TextMessageImpl) TextMessageImpl.release(msg);
}

/**
 * For a message that waits in a queue, so is read after its frame is gone: keeps only its text
 * (decoded now if it was not yet), letting go of the frame.
 */
export function settleQueued(msg: Message): void {
  if (msg instanceof TextMessageImpl) TextMessageImpl.settle(msg);
}

/**
 * The frame of a text message while uWS still holds it valid (during its `message` callback and
 * the microtasks that run before it returns), so sending the message (an echo, a forward) reuses
 * its bytes instead of encoding its text again. `undefined` otherwise.
 */
export function liveFrameOf(data: unknown): ArrayBuffer | undefined {
  return data instanceof TextMessageImpl ? TextMessageImpl.frameOf(data) : undefined;
}

/** True for a value built by {@link textMessage}, {@link binaryMessage} or received from a peer. */
export function isMessage(value: unknown): value is Message {
  return value instanceof TextMessageImpl || value instanceof BinaryMessageImpl;
}
