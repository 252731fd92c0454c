import { InvalidHandshake, MethodNotAllowed, UnsupportedWebSocketVersion } from '../errors/rejections.js';
import type { RequestParts } from '../request/request-parts.js';

const KEY = /^[A-Za-z0-9+/]{22}==$/;

/** Checks the RFC 6455 handshake fields; throws the rejection for the first problem found. */
export function checkHandshake(parts: RequestParts): void {
  if (parts.method !== 'GET') throw new MethodNotAllowed(parts.method, ['GET']);
  const key = parts.headers['sec-websocket-key'];
  if (key === undefined) throw new InvalidHandshake('missing Sec-WebSocket-Key');
  if (!KEY.test(key)) throw new InvalidHandshake('Sec-WebSocket-Key must be 16 bytes in base64');
  const version = parts.headers['sec-websocket-version'];
  if (version !== '13') throw new UnsupportedWebSocketVersion(version);
}
