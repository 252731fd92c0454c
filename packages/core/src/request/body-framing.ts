import { InvalidBodyFraming } from '../errors/rejections.js';
import type { RequestParts } from './request-parts.js';

/**
 * How a request delimits its body (RFC 9112 §6.3): no body, a declared length, or chunked with
 * the length learnt only as the chunks arrive.
 */
export type BodyFraming = 'none' | 'chunked' | number;

// Digits only: a repeated header arrives joined with ', ' (see RequestParts), a sign or a space
// would be read differently by different parsers. 15 digits stay exact as a double.
const LENGTH = /^\d{1,15}$/;

/**
 * Reads a request's body framing and refuses an ambiguous one with 400 `INVALID_BODY_FRAMING`:
 * a repeated or non-numeric `Content-Length` (two servers in a chain could each pick a different
 * value: request smuggling), `Transfer-Encoding` together with `Content-Length` (RFC 9112 §6.3
 * allows a server to reject it, and rejecting is the safe answer behind a proxy), or a transfer
 * coding other than a single `chunked` (the only one Kindling decodes). The connection must be
 * closed after the answer: where the next request starts is unknown.
 */
export function readBodyFraming(headers: RequestParts['headers']): BodyFraming {
  const length = headers['content-length'];
  const coding = headers['transfer-encoding'];
  if (coding !== undefined) {
    if (length !== undefined) throw new InvalidBodyFraming('Transfer-Encoding together with Content-Length', 'transfer-encoding');
    if (coding.trim().toLowerCase() !== 'chunked') throw new InvalidBodyFraming(`unsupported Transfer-Encoding "${coding}"; only chunked`, 'transfer-encoding');
    return 'chunked';
  }
  if (length === undefined) return 'none';
  if (!LENGTH.test(length)) {
    const reason = length.includes(',') ? 'Content-Length repeated or listing several values' : 'Content-Length is not a number of bytes';
    throw new InvalidBodyFraming(reason, 'content-length');
  }
  const bytes = Number(length);
  return bytes === 0 ? 'none' : bytes;
}
