import { backoffDelay, retryableClose } from './backoff.js';
import { ClientError } from './client-error.js';
import type { EmitData, EmitType, EventsContract, ReplyOf, RequestData, RequestType } from './contract.js';
import type { ClientOptions, ConnectionState, RequestOptions, StateChange, UrlProvider } from './options.js';
import type { SocketConstructor, SocketLike } from './socket.js';

/** The arguments after a request's type: its data (optional when it carries none), then options. */
export type RequestArgs<Data> = undefined extends Data ? [data?: Data, options?: RequestOptions] : [data: Data, options?: RequestOptions];

/** The argument after an emit's type: its data (optional when it carries none). */
export type EmitArgs<Data> = undefined extends Data ? [data?: Data] : [data: Data];

/** A connection to a Kindling events route, typed by the server's contract `C`. */
export interface Client<C extends EventsContract = EventsContract> {
  /** Where the connection is now. */
  readonly state: ConnectionState;
  /**
   * Sends `{ type, id, data }` and resolves with the reply's `data`. Rejects with a
   * {@link ClientError}: `timeout`, `closed` (the connection closed first), `server` (an error
   * envelope with this id), `offline` or `offline-queue-full` (see {@link QueueOptions}).
   */
  request<T extends RequestType<C>>(type: T, ...args: RequestArgs<RequestData<C, T>>): Promise<ReplyOf<C, T>>;
  /**
   * Sends `{ type, data }` (no reply). While not connected it is queued; returns false when
   * it was dropped (the queue is full, or the client is closed).
   */
  emit<T extends RequestType<C>>(type: T, ...args: EmitArgs<RequestData<C, T>>): boolean;
  /** Calls `listener` with the data of each `type` event the server emits. Returns a function that removes it. */
  on<T extends EmitType<C>>(type: T, listener: (data: EmitData<C, T>) => void): () => void;
  /** Calls `listener` on every state change. Returns a function that removes it. */
  onState(listener: (change: StateChange) => void): () => void;
  /**
   * Calls `listener` with errors that belong to no call: the URL provider failed, an error
   * envelope without an id, a reply for an unknown id, a frame that is not JSON, an emit
   * dropped by a full queue. Returns a function that removes it.
   */
  onError(listener: (error: ClientError) => void): () => void;
  /**
   * Closes the connection for good with `code` (1000, the default, or 3000-4999; others are a
   * `RangeError`, as in the browser); pending and queued requests reject with `closed`.
   */
  close(code?: number, reason?: string): void;
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: ClientError): void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

type Frame = { type?: unknown; id?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown; details?: unknown; id?: unknown } };

/**
 * Connects to a Kindling events route and keeps the connection up: requests with typed
 * replies, typed server events, full-jitter reconnects, a bounded offline queue, a URL
 * provider called before every attempt, and optional dead-link detection. See docs/client.md.
 *
 * @param url The URL, or a function giving it before every attempt (refresh a token there).
 * @param options See {@link ClientOptions}; every field has a default.
 * @example
 * ```ts
 * import { createClient } from '@kindling/client';
 *
 * type Chat = {
 *   requests: { 'chat.send': { data: { text: string }; reply: { at: string } } };
 *   emits: { 'chat.message': { user: string; text: string; at: string } };
 * };
 * const client = createClient<Chat>(async () => `ws://127.0.0.1:3000/chat/lobby/ada?token=${await Promise.resolve('t')}`);
 * client.on('chat.message', (m) => console.log(`${m.user}: ${m.text}`));
 * const { at } = await client.request('chat.send', { text: 'hello' }, { timeoutMs: 5_000 });
 * client.close();
 * ```
 */
export function createClient<C extends EventsContract = EventsContract>(url: string | UrlProvider, options: ClientOptions = {}): Client<C> {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  if (!Socket) throw new TypeError('No global WebSocket: pass options.WebSocket (on Node 20, the ws package)');
  const retry = options.reconnect === false ? undefined : (options.reconnect ?? {});
  const baseMs = retry?.baseMs ?? 500;
  const capMs = retry?.capMs ?? 30_000;
  const minUptimeMs = retry?.minUptimeMs ?? 5_000;
  const retryLaterMs = retry?.retryLaterMs ?? 5_000;
  const shouldRetry = retry?.shouldRetry ?? retryableClose;
  const defaultTimeoutMs = options.timeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const queueMax = options.queue?.max ?? 100;
  const queueRequests = options.queue?.requests !== 'reject';
  const liveness = options.liveness || undefined;
  const pingMs = liveness ? (liveness.pingMs ?? liveness.timeoutMs / 2) : 0;

  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const stateListeners = new Set<(change: StateChange) => void>();
  const errorListeners = new Set<(error: ClientError) => void>();
  const pending = new Map<unknown, Pending>();
  const pings = new Set<unknown>();
  let queue: { frame: string; id?: number }[] = [];
  let state: ConnectionState = 'connecting';
  let socket: SocketLike | undefined;
  let nextId = 0;
  let attempt = 0;
  let openedAt = 0;
  let lastInbound = 0;
  let pinged = false;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState, extra?: Omit<StateChange, 'state' | 'attempt'>) => {
    state = next;
    for (const listener of stateListeners) call(listener, { state, attempt, ...extra });
  };
  const report = (error: ClientError) => {
    for (const listener of errorListeners) call(listener, error);
  };
  const subscribe = <L>(set: Set<L>, listener: L) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
  const rejectAll = (error: ClientError, sentOnly: boolean) => {
    for (const [id, entry] of pending) {
      if (sentOnly && !entry.sent) continue;
      pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(new ClientError(error.kind, error.message, error.code, undefined, id as number));
    }
  };
  const stop = (code: number, reason: string) => {
    stopped = true;
    clearTimeout(retryTimer);
    rejectAll(new ClientError('closed', `The client is closed (${code}${reason && `: ${reason}`})`, code), false);
    queue = [];
    setState('closed', { code, reason });
  };

  // The connection ended or an attempt failed: reject what was sent, then retry or stop.
  const lost = (code: number, reason: string) => {
    const ws = socket;
    socket = undefined;
    clearTimeout(watchTimer);
    if (ws) ws.onopen = ws.onmessage = ws.onclose = ws.onerror = noop;
    rejectAll(new ClientError('closed', `The connection closed before the reply (${code}${reason && `: ${reason}`})`, code), true);
    if (stopped) return;
    if (!retry || !shouldRetry(code, reason)) return stop(code, reason);
    if (openedAt && Date.now() - openedAt >= minUptimeMs && code !== 1013) attempt = 0;
    openedAt = 0;
    const delayMs = code === 1013 ? Math.floor(retryLaterMs * (1 + Math.random())) : backoffDelay(attempt, baseMs, capMs);
    attempt++;
    setState('reconnecting', { delayMs, code, reason });
    retryTimer = setTimeout(connect, delayMs);
  };
  // Gives up on the current socket without waiting for a close handshake a dead link never finishes.
  const drop = (reason: string) => {
    const ws = socket;
    lost(1006, reason);
    ws?.close();
  };

  const watch = () => {
    const ws = socket;
    if (!ws) return;
    if (state !== 'open') return drop(`not open after ${connectTimeoutMs} ms`);
    if (!liveness) return;
    const silentMs = Date.now() - lastInbound;
    if (silentMs >= liveness.timeoutMs) return drop(`no frame for ${liveness.timeoutMs} ms`);
    if (silentMs >= pingMs && !pinged) {
      pinged = true;
      const id = ++nextId;
      pings.add(id);
      ws.send(JSON.stringify({ type: '$ping', id }));
    }
    watchTimer = setTimeout(watch, lastInbound + (pinged ? liveness.timeoutMs : pingMs) - Date.now());
  };

  const connect = async (): Promise<void> => {
    let target: string;
    try {
      target = typeof url === 'string' ? url : await url(attempt);
    } catch (cause) {
      if (stopped) return;
      report(new ClientError('provider', `The URL provider failed: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, cause));
      return lost(0, 'the URL provider failed');
    }
    if (stopped) return;
    let ws: SocketLike;
    try {
      ws = new Socket(target, options.protocols);
    } catch (cause) {
      report(new ClientError('provider', `Cannot connect to ${target}: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, cause));
      return lost(0, 'invalid URL');
    }
    socket = ws;
    pings.clear();
    watchTimer = setTimeout(watch, connectTimeoutMs);
    // A browser follows an error with a close (1006); Node's own WebSocket may not, when the
    // attempt fails before opening. Either way the link is gone.
    ws.onerror = () => drop('connection failed');
    ws.onclose = (event) => lost(event.code, event.reason);
    ws.onopen = () => {
      openedAt = lastInbound = Date.now();
      pinged = false;
      clearTimeout(watchTimer);
      setState('open');
      const held = queue;
      queue = [];
      for (const entry of held) {
        const waiting = entry.id === undefined ? undefined : pending.get(entry.id);
        if (waiting) waiting.sent = true;
        ws.send(entry.frame);
      }
      if (liveness) watchTimer = setTimeout(watch, pingMs);
    };
    ws.onmessage = (event) => {
      lastInbound = Date.now();
      pinged = false;
      receive(event.data);
    };
  };

  const settle = (id: unknown, error: ClientError | undefined, data?: unknown) => {
    if (pings.delete(id)) return;
    const entry = pending.get(id);
    if (!entry)
      return report(
        new ClientError('unknown-reply', `A reply for id ${String(id)}, which no request is waiting for`, error?.code, error ?? data, id as number),
      );
    pending.delete(id);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(data);
  };

  const receive = (raw: unknown) => {
    let frame: Frame | null;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      frame = null;
    }
    if (typeof frame !== 'object' || frame === null) return report(new ClientError('protocol', 'A frame that is not a JSON object', undefined, raw));
    const { error } = frame;
    if (typeof error === 'object' && error !== null) {
      const failure = new ClientError('server', String(error.message ?? error.code), String(error.code), error.details, error.id as number);
      return error.id == null ? report(failure) : settle(error.id, failure);
    }
    if (typeof frame.type === 'string') {
      for (const listener of listeners.get(frame.type) ?? []) call(listener, frame.data);
    } else if (frame.id != null) settle(frame.id, undefined, frame.data);
    else report(new ClientError('protocol', 'A frame with neither type, id nor error', undefined, frame));
  };

  const send = (frame: string, id?: number): boolean => {
    if (socket && state === 'open') {
      socket.send(frame);
      return true;
    }
    if (queue.length >= queueMax) return false;
    queue.push({ frame, id });
    return true;
  };

  // On a microtask, so listeners added right after createClient see the first attempt and a
  // URL provider may refer to the client.
  queueMicrotask(connect);

  return {
    get state() {
      return state;
    },
    request(type, ...[data, requestOptions]) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        const fail = (kind: 'closed' | 'offline' | 'offline-queue-full', message: string) => reject(new ClientError(kind, message, undefined, undefined, id));
        if (stopped) return fail('closed', 'The client is closed');
        const open = socket !== undefined && state === 'open';
        if (!open && !(requestOptions?.queue ?? queueRequests)) return fail('offline', `Not connected (${state}); ${type} was not queued`);
        const timeoutMs = requestOptions?.timeoutMs ?? defaultTimeoutMs;
        const timer = setTimeout(() => {
          pending.delete(id);
          queue = queue.filter((entry) => entry.id !== id);
          reject(new ClientError('timeout', `No reply to ${type} within ${timeoutMs} ms`, undefined, undefined, id));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer, sent: open });
        if (!send(JSON.stringify({ type, id, data }), id)) {
          pending.delete(id);
          clearTimeout(timer);
          fail('offline-queue-full', `Not connected and ${queueMax} calls already queued; ${type} was dropped`);
        }
      });
    },
    emit(type, ...[data]) {
      if (!stopped && send(JSON.stringify({ type, data }))) return true;
      report(
        new ClientError(
          stopped ? 'closed' : 'offline-queue-full',
          `${type} was dropped: ${stopped ? 'the client is closed' : `${queueMax} calls already queued`}`,
        ),
      );
      return false;
    },
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      return subscribe(set as Set<typeof listener>, listener);
    },
    onState: (listener) => subscribe(stateListeners, listener),
    onError: (listener) => subscribe(errorListeners, listener),
    close(code = 1000, reason = '') {
      if (code !== 1000 && !(code >= 3000 && code <= 4999)) throw new RangeError(`close(code): 1000 or 3000-4999, got ${code}`);
      if (stopped) return;
      const ws = socket;
      socket = undefined;
      clearTimeout(watchTimer);
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = noop;
        ws.close(code, reason);
      }
      stop(code, reason);
    },
  };
}

function noop(): void {}

/** Runs a listener; what it throws is rethrown on its own task so the other listeners still run. */
function call<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    setTimeout(() => {
      throw error;
    });
  }
}
