import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { ClientRegistry } from './client-registry.js';

/** An HTTP response as received, before any expectation looked at it. */
export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, ` (except `set-cookie`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Every `Set-Cookie` header, in order. */
  readonly setCookies: readonly string[];
  readonly body: Uint8Array;
}

/** One HTTP request to send. */
export interface RawRequest {
  readonly port: number;
  readonly method: string;
  /** Path with query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  readonly timeoutMs: number;
}

/**
 * Sends one request to 127.0.0.1 over a fresh connection (no keep-alive agent: nothing stays
 * open after the response, so the test process can exit) and buffers the response.
 */
export function sendRequest(req: RawRequest, clients: ClientRegistry): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.byteLength);
    // Registered first: a closed server refuses before a connection is opened.
    const untrack = clients.add(async () => {
      outgoing.destroy(new Error('the test server closed before the response arrived'));
    });
    const outgoing = httpRequest({ host: '127.0.0.1', port: req.port, method: req.method, path: req.path, headers, agent: false });
    const timer = setTimeout(() => outgoing.destroy(new Error(`no complete response within ${req.timeoutMs} ms`)), req.timeoutMs);
    const done = () => {
      clearTimeout(timer);
      untrack();
    };
    outgoing.on('error', (err) => {
      done();
      reject(err);
    });
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (err) => {
        done();
        reject(err);
      });
      res.on('end', () => {
        done();
        resolve({
          status: res.statusCode ?? 0,
          headers: flatten(res.headers),
          setCookies: res.headers['set-cookie'] ?? [],
          body: new Uint8Array(Buffer.concat(chunks)),
        });
      });
    });
    outgoing.end(req.body === undefined ? undefined : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength));
  });
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
