/**
 * WebSocket close codes (RFC 6455 §7.4 and the IANA registry) by name.
 *
 * @example
 * ```ts
 * await ws.close(CloseCode.POLICY_VIOLATION, 'not allowed');
 * ```
 */
export const CloseCode = {
  /** The purpose of the connection has been fulfilled. */
  NORMAL: 1000,
  /** The server is going away (shutdown, idle or heartbeat timeout). */
  GOING_AWAY: 1001,
  /** The peer broke the protocol. */
  PROTOCOL_ERROR: 1002,
  /** The peer sent a kind of data the endpoint cannot accept. */
  UNSUPPORTED_DATA: 1003,
  /** Reported when a close frame carried no status code. Never sent. */
  NO_STATUS: 1005,
  /** Reported when the TCP connection ended without a close frame. Never sent. */
  ABNORMAL: 1006,
  /** A message's content did not match its type (e.g. invalid JSON). */
  INVALID_PAYLOAD: 1007,
  /** A message broke a policy (queue overflow, rate limit, backpressure limit). */
  POLICY_VIOLATION: 1008,
  /** A message was larger than the endpoint accepts. */
  MESSAGE_TOO_BIG: 1009,
  /** The client expected an extension the server did not negotiate. */
  MANDATORY_EXTENSION: 1010,
  /** The server hit an unexpected condition. */
  INTERNAL_ERROR: 1011,
  /** The service is restarting. */
  SERVICE_RESTART: 1012,
  /** The server is overloaded; try again later. */
  TRY_AGAIN_LATER: 1013,
  /** A gateway received an invalid response upstream. */
  BAD_GATEWAY: 1014,
  /** Reported when the TLS handshake failed. Never sent. */
  TLS_HANDSHAKE: 1015,
} as const;

/** One of the named {@link CloseCode} values. Any number from 3000-4999 is valid as well. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * How a connection ended, available as `ws.closeInfo` and from `await ws.closed`.
 *
 * - `code`/`reason`: the close frame that was sent (server-initiated) or received
 *   (client-initiated); `1005` when the peer's frame had no code, `1006` when the TCP
 *   connection ended without a close frame — and, on the uWS engine, when the peer's close
 *   frame had an invalid code or reason (uWS answers it itself; see docs/engines.md). On the
 *   `node` engine a frame the engine refused is reported with the code it sent (1002, 1007,
 *   1008 or 1009, no reason).
 * - `wasClean`: a close frame was sent or received (`code !== 1006`).
 * - `initiatedBy`: `'server'` when this side closed or terminated the connection; `'client'`
 *   when the peer sent a close frame or the TCP connection dropped, including frames the engine
 *   rejected (oversize past the hard cap, invalid UTF-8: 1006 on `uws`, the code sent on `node`).
 */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly initiatedBy: 'server' | 'client';
}

/** The largest close reason a close frame can carry, in UTF-8 bytes (125 minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Cuts a close reason to at most {@link MAX_CLOSE_REASON_BYTES} UTF-8 bytes without splitting a
 * character, so the peer never receives an invalid UTF-8 reason (which `ws` and browsers treat
 * as a protocol error and report as 1006).
 *
 * @example
 * ```ts
 * truncateCloseReason('é'.repeat(100)); // 61 × 'é' (122 bytes)
 * ```
 */
export function truncateCloseReason(reason: string): string {
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes, so short strings need no encoding.
  if (reason.length * 3 <= MAX_CLOSE_REASON_BYTES) return reason;
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= MAX_CLOSE_REASON_BYTES) return reason;
  let end = MAX_CLOSE_REASON_BYTES;
  // Step back over continuation bytes (10xxxxxx) to the first byte of the cut character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

/**
 * True for codes an endpoint may put in a close frame: 1000-1003, 1007-1014 and 3000-4999.
 * 1004 is reserved; 1005, 1006 and 1015 are only ever reported, never sent.
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** Throws a `TypeError` unless `code` is a close code that may be sent. */
export function assertSendableCloseCode(code: unknown): asserts code is number {
  if (typeof code !== 'number' || !isSendableCloseCode(code)) {
    throw new TypeError(`Invalid close code ${String(code)}: use 1000-1003, 1007-1014 or 3000-4999 (1004-1006 and 1015 are reserved)`);
  }
}
