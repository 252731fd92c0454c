import { STATUS_CODES } from 'node:http';
import type { EnginePayload } from '@kindling/websocket';

/** A status line and headers collected through the port's `writeStatus` / `writeHeader`. */
export class ResponseHead {
  status = 200;
  message = 'OK';
  /** Flat `[name, value, name, value, ...]`, repeats kept (set-cookie). */
  readonly headers: string[] = [];

  writeStatus(status: EnginePayload): void {
    const line = textOf(status);
    const space = line.indexOf(' ');
    const code = Number.parseInt(space === -1 ? line : line.slice(0, space), 10);
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new TypeError(`writeStatus(): not a status line: ${line}`);
    this.status = code;
    this.message = space === -1 ? (STATUS_CODES[code] ?? '') : line.slice(space + 1);
  }

  writeHeader(name: EnginePayload, value: EnginePayload): void {
    this.headers.push(textOf(name), textOf(value));
  }
}

/** A status line, header name or value given as text or as its bytes (read as Latin-1, as on the wire). */
function textOf(value: EnginePayload): string {
  if (typeof value === 'string') return value;
  const bytes = value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return bytes.toString('latin1');
}

/** The body as bytes or text node's sockets take, and its length in bytes. */
export function bodyOf(body: EnginePayload | undefined): { readonly chunk: string | Uint8Array; readonly length: number } {
  if (body === undefined) return { chunk: '', length: 0 };
  if (typeof body === 'string') return { chunk: body, length: Buffer.byteLength(body) };
  const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return { chunk: bytes, length: bytes.byteLength };
}
