/** What the main thread tells a server thread. */
export type ToThread = { readonly type: 'shutdown' };

/** What a server thread tells the main thread. */
export type FromThread =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'closed'; readonly closed: number; readonly forced: number };

/** What every server thread is started with (`workerData`). */
export interface ThreadData {
  readonly kindlingServe: true;
  readonly index: number;
  readonly channel: string;
  readonly port: number;
  readonly host: string;
  readonly shutdownTimeoutMs: number;
  readonly presenceTimeoutMs: number;
}

/** Whether `data` is the `workerData` of a thread started by `serve()`. */
export function isThreadData(data: unknown): data is ThreadData {
  return typeof data === 'object' && data !== null && (data as { kindlingServe?: unknown }).kindlingServe === true;
}
