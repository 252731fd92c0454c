import { randomUUID } from 'node:crypto';

// Connection ids and request ids come from one per-process sequence: `xxxxxxxx-xxxx-4xxx-Nxxx-`
// (the first 24 characters of a random UUID, drawn once per process) followed by a 12-digit
// hex counter. Ids are UUID-shaped, unique within the process (a request id never equals a
// connection id), and across processes unless two draw the same 74 random bits. They are
// identifiers, not secrets: the counter is predictable. See docs/logging.md.
const PREFIX = randomUUID().slice(0, 24);
const SPAN = 2 ** 48;
const ZEROS = '000000000000';
const COUNTER = /^[0-9a-f]{12}$/;
let last = 0;

/**
 * The next number of the process-wide id sequence (1, 2, ...; wraps after 2^48 - 1), to keep as
 * an {@link IdSource} and show later with {@link idText} (which gives what {@link newSerialId}
 * would have returned).
 */
export function newSerial(): number {
  last = last + 1 === SPAN ? 1 : last + 1;
  return last;
}

/** The UUID-shaped text of a serial from {@link newSerial}. */
export function formatSerial(serial: number): string {
  const hex = serial.toString(16);
  return PREFIX + (hex.length === 12 ? hex : ZEROS.slice(hex.length) + hex);
}

// One scratch copy of an id's text as ASCII bytes: the prefix stays, `serialBytes` rewrites the
// 12 counter digits. A string would be made, flattened and encoded again by the engine.
const SCRATCH = new TextEncoder().encode(`${PREFIX}${ZEROS}`).buffer;
const SCRATCH_BYTES = new Uint8Array(SCRATCH);
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/**
 * The UUID-shaped text of a serial (what {@link formatSerial} returns) as ASCII bytes, written
 * into one buffer that the next call overwrites: for an engine call that copies it at once,
 * such as a header value, so that no string is made.
 *
 * @example
 * ```ts
 * res.writeHeader('x-request-id', serialBytes(serial)); // uWS copies the bytes into the response
 * ```
 */
export function serialBytes(serial: number): ArrayBuffer {
  let rest = serial;
  for (let i = SCRATCH_BYTES.length - 1; i >= PREFIX.length; i--) {
    SCRATCH_BYTES[i] = HEX_DIGITS[rest % 16] as number;
    rest = Math.floor(rest / 16);
  }
  return SCRATCH;
}

/** The serial an id made by {@link formatSerial} in this process stands for; `undefined` for any other string. */
export function parseSerial(id: string): number | undefined {
  if (id.length !== 36 || !id.startsWith(PREFIX)) return undefined;
  const counter = id.slice(24);
  return COUNTER.test(counter) ? Number.parseInt(counter, 16) : undefined;
}

/**
 * An id as it is kept until someone reads it: its text, or a serial from the process-wide
 * sequence (see {@link newSerialId}) whose UUID-shaped text is made when read. Idle
 * connections then hold a number instead of a 36-character string.
 */
export type IdSource = string | number;

/** The text of an {@link IdSource}. */
export function idText(id: IdSource): string {
  return typeof id === 'number' ? formatSerial(id) : id;
}

/**
 * A new UUID-shaped id from the process-wide sequence that also numbers connections. Making
 * one costs no randomness and its text stays small. `@kindling/core` uses it for request ids.
 *
 * @example
 * ```ts
 * newSerialId(); // e.g. '3f2c9a1e-07b4-4d2a-9c1e-00000000002a'
 * ```
 */
export function newSerialId(): string {
  return formatSerial(newSerial());
}
