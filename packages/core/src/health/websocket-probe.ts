import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** Where the probe connects: the app's own address and probe route. */
export interface ProbeTarget {
  /** `ws://127.0.0.1:3000/health/probe` (or `wss://`). */
  readonly url: string;
}

/**
 * Opens a real WebSocket to `url`, sends a random text frame, waits for the same text back,
 * closes with 1000 and waits for the close to complete, all within `timeoutMs`. Resolves with
 * `undefined` on success and with the reason otherwise; never rejects.
 */
export function probeWebSocket(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const nonce = `probe ${randomUUID()}`;
    // The app probes itself: its certificate may be self-signed or name another host.
    const socket = new WebSocket(url, { rejectUnauthorized: false, handshakeTimeout: timeoutMs });
    let outcome: string | undefined = 'closed before the echo';
    let settled = false;
    const finish = (reason: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reason);
    };
    const timer = setTimeout(() => {
      socket.terminate();
      finish(`no echo and close within ${timeoutMs} ms`);
    }, timeoutMs);
    timer.unref();
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      socket.terminate();
      finish(`upgrade refused with HTTP ${res.statusCode}`);
    });
    socket.on('error', (err) => finish(`connection failed: ${err.message}`));
    socket.on('open', () => socket.send(nonce));
    socket.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === nonce) {
        outcome = undefined;
        socket.close(1000);
      } else {
        outcome = 'the echo did not match';
        socket.terminate();
      }
    });
    socket.on('close', (code) => finish(outcome ?? (code === 1000 || code === 1005 ? undefined : `closed with ${code}`)));
  });
}
