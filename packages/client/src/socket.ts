/** An event handler property typed so that both the DOM's and the `ws` package's sockets fit. */
type Handler<E> = { bivariant(event: E): void }['bivariant'] | null;

/**
 * The part of a WebSocket the client uses: the browser's `WebSocket`, Node's global one (Node
 * 22+, or 20 with `--experimental-websocket`) and the `ws` package's all fit.
 */
export interface SocketLike {
  onopen: Handler<unknown>;
  onmessage: Handler<{ readonly data: unknown }>;
  onclose: Handler<{ readonly code: number; readonly reason: string }>;
  onerror: Handler<unknown>;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket` by default; pass the `ws` package's
 * `WebSocket` on Node 20.
 */
export type SocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;
