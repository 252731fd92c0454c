/**
 * The close code `ws` sends when it refuses what the peer sent, by the error's `code` — the one
 * the `node` engine reports to Kindling in its place (`ws` reports 1006, or the code of the
 * peer's answering close frame). See docs/engines.md.
 */
const CLOSE_CODES: Readonly<Record<string, number>> = {
  WS_ERR_INVALID_UTF8: 1007,
  // Over `maxPayload` (also once inflated), or a length field past 2^53 - 1.
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  // A message in more fragments than ws buffers (a policy limit, not a framing error).
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,
};

/** Any other `WS_ERR_...` is a framing error (bad opcode, RSV bits, mask, close code): 1002. */
const PROTOCOL_ERROR = 1002;
/** zlib's errors (`Z_DATA_ERROR`, ...) for a compressed message that does not inflate. */
const INVALID_PAYLOAD = 1007;

/** The error code `ws` gave an error (`WS_ERR_INVALID_UTF8`, `Z_DATA_ERROR`, ...), `''` for none. */
export function wsErrorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : '';
}

/** The close code `ws` sent the peer for `err`, an error it emitted on a server socket. */
export function closeCodeOfWsError(err: unknown): number {
  const code = wsErrorCode(err);
  return CLOSE_CODES[code] ?? (code.startsWith('Z_') ? INVALID_PAYLOAD : PROTOCOL_ERROR);
}
