import { InvalidHandshake, MethodNotAllowed, UnsupportedWebSocketVersion, UpgradeRequired } from '../errors/rejections.js';
import type { RequestParts } from '../request/request-parts.js';

const KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Checks the RFC 6455 §4.2.1 handshake fields; throws the rejection for the first problem found:
 * not a GET (405), `Upgrade` other than `websocket` (426), no `upgrade` token in `Connection`
 * (400), a missing or malformed `Sec-WebSocket-Key` (400), a version other than 13 (426).
 * Header values compare case-insensitively; `Connection` is a comma-separated token list
 * (`keep-alive, Upgrade` is what Firefox sends).
 */
export function checkHandshake(parts: RequestParts): void {
  if (parts.method !== 'GET') throw new MethodNotAllowed(parts.method, ['GET']);
  const headers = parts.headers;
  if (!isWebSocketUpgrade(headers['upgrade'])) throw new UpgradeRequired();
  if (!hasUpgradeToken(headers['connection'])) throw new InvalidHandshake('the Connection header must include "upgrade"');
  const key = headers['sec-websocket-key'];
  if (key === undefined) throw new InvalidHandshake('missing Sec-WebSocket-Key');
  if (!KEY.test(key)) throw new InvalidHandshake('Sec-WebSocket-Key must be 16 bytes in base64');
  const version = headers['sec-websocket-version'];
  if (version !== '13') throw new UnsupportedWebSocketVersion(version);
}

/** `Upgrade: websocket` in any case. A list of protocols is refused, as the `ws` package does. */
function isWebSocketUpgrade(value: string | undefined): boolean {
  // The common spellings first, so the usual handshake allocates nothing.
  if (value === 'websocket' || value === 'WebSocket') return true;
  return value !== undefined && value.trim().toLowerCase() === 'websocket';
}

/** Whether a `Connection` header's comma-separated tokens include `upgrade` (any case). */
function hasUpgradeToken(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === 'Upgrade' || value === 'upgrade') return true;
  for (const token of value.split(',')) if (token.trim().toLowerCase() === 'upgrade') return true;
  return false;
}
