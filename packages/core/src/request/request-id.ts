import { randomUUID } from 'node:crypto';

const WELL_FORMED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

// `xxxxxxxx-xxxx-4xxx-Nxxx-`: the first 24 characters of a random UUID, drawn once per process.
// The last 12 hex digits count requests. Ids are UUID-shaped, unique within the process, and
// across processes unless two draw the same 74 random bits.
const PREFIX = randomUUID().slice(0, 24);
const COUNTER_SPAN = 2 ** 48;
const ZEROS = '000000000000';
let counter = 0;

/**
 * A new request id: a UUID-shaped string made of a per-process random prefix and a counter, so
 * making one costs no randomness and its text stays small (see docs/logging.md).
 */
export function newRequestId(): string {
  counter = counter + 1 === COUNTER_SPAN ? 0 : counter + 1;
  const hex = counter.toString(16);
  return PREFIX + (hex.length === 12 ? hex : ZEROS.slice(hex.length) + hex);
}

/** Honours a well-formed incoming `x-request-id` (1–128 safe characters), else makes a new id. */
export function resolveRequestId(incoming: string | undefined): string {
  return incoming !== undefined && WELL_FORMED.test(incoming) ? incoming : newRequestId();
}
