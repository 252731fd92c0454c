// The chat connection: joins a room, explains refusals, and sends and receives the chat's
// events through @kindling/client, which reconnects with backoff after a lost connection.
import { createClient } from '/vendor/kindling-client/index.js';

/**
 * @typedef {{ room: string, name: string, token: string }} JoinRequest
 * @typedef {{ status: number, code: string, message: string }} Refusal
 * @typedef {{ state: 'connecting' | 'connected' | 'reconnecting' | 'offline', reason?: string, delayMs?: number, attempt?: number }} ConnectionState
 * @typedef {{ user: string, text: string, at: string }} ChatMessage
 */

/**
 * One member's connection to the chat server.
 *
 * Events (all `CustomEvent`s, the payload in `detail`):
 * - `state`: a {@link ConnectionState} whenever the connection state changes;
 * - `chat`: a server event (`welcome`, `join`, `leave`, `message`) as `{ type, ...data }`;
 * - `notice`: `{ message }` for an error envelope that belongs to no request;
 * - `refused`: a {@link Refusal} when the server will not let this member in (bad token, taken
 *   name, invalid room or name); the client then stays offline;
 * - `reconnected`: `{ attempts }` when a welcome follows a lost connection.
 *
 * Browsers do not expose the HTTP status of a refused WebSocket upgrade (the socket just
 * closes), so after an attempt that failed before it opened, the next one first asks
 * `GET /chat/{room}/{name}/check`, which runs the same checks over HTTP and answers with the
 * same status and JSON error body.
 */
export class ChatClient extends EventTarget {
  /** @type {ReturnType<typeof createClient> | undefined} */ #client;
  /** @type {JoinRequest | undefined} */ #request;
  #welcomed = false;
  #attempts = 0;
  #why = '';
  /** Whether the last attempt opened (a first attempt is taken as one that did). */
  #opened = true;
  #reconnect;

  /** @param {{ baseMs?: number, capMs?: number }} [reconnect] backoff between attempts, see @kindling/client */
  constructor(reconnect = {}) {
    super();
    this.#reconnect = reconnect;
  }

  /** @param {JoinRequest} request */
  join(request) {
    this.leave();
    this.#request = request;
    this.#welcomed = false;
    this.#opened = true;
    this.#emit('state', { state: 'connecting' });
    const client = createClient(() => this.#url(request), {
      reconnect: { baseMs: 500, capMs: 15_000, ...this.#reconnect },
      // A link that died without a close (a laptop lid, a changed network) is noticed within a
      // minute: the server's pings are invisible to a page, so the client pings when it is quiet.
      liveness: { timeoutMs: 60_000, pingMs: 25_000 },
      // The composer is disabled while offline: nothing to hold for later.
      queue: { requests: 'reject' },
    });
    this.#client = client;
    client.onState((change) => {
      if (this.#request === request) this.#changed(change);
    });
    client.onError((error) => {
      if (error.kind === 'provider') this.#why = error.details instanceof Error ? error.details.message : error.message;
      else if (error.kind === 'server') this.#emit('notice', { message: error.message });
    });
    client.on('chat.welcome', (welcome) => {
      this.#emit('state', { state: 'connected' });
      if (this.#welcomed) this.#emit('reconnected', { attempts: this.#attempts });
      this.#welcomed = true;
      this.#emit('chat', { type: 'welcome', ...welcome });
    });
    for (const type of ['join', 'leave', 'message']) {
      client.on(`chat.${type}`, (data) => this.#emit('chat', { type, ...data }));
    }
  }

  /** Leaves the room and stops reconnecting. */
  leave() {
    const client = this.#client;
    this.#client = undefined;
    this.#request = undefined;
    client?.close(1000, 'left');
    this.#emit('state', { state: 'offline' });
  }

  /**
   * Sends a chat message: the promise of the server's reply, the message as the room sees it
   * (rejecting with a ClientError: RATE_LIMITED, a closed connection, a timeout), or undefined
   * when not connected.
   * @param {string} text
   * @returns {Promise<ChatMessage> | undefined}
   */
  send(text) {
    if (this.#client?.state !== 'open') return undefined;
    return this.#client.request('chat.send', { text });
  }

  /**
   * Called before every attempt. When the last one failed before it opened, ask the check route
   * whether this join would pass, so a refusal is explained instead of retried (a working join
   * costs no extra request). A thrown error makes the client retry with backoff.
   * @param {JoinRequest} request
   */
  async #url(request) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${joinPath(request)}`;
    if (this.#opened) {
      this.#opened = false;
      return url;
    }
    let response;
    try {
      response = await fetch(joinPath(request, '/check'), { cache: 'no-store' });
    } catch {
      throw new Error('The server is unreachable');
    }
    if (response.ok) return url;
    const body = await response.json().catch(() => undefined);
    const refusal = {
      status: response.status,
      code: body?.error?.code ?? `HTTP_${response.status}`,
      message: explain(body?.error) ?? response.statusText,
    };
    // After a lost connection our own previous session may still hold the name for a moment.
    if (refusal.status === 409 && this.#welcomed) throw new Error('Waiting for the previous session to end');
    if (refusal.status === 429 || refusal.status >= 500) throw new Error(refusal.message);
    if (this.#request === request) this.#refuse(refusal);
    throw new Error(refusal.message);
  }

  /** @param {{ state: string, attempt: number, delayMs?: number, code?: number, reason?: string }} change */
  #changed({ state, attempt, delayMs, code = 0, reason = '' }) {
    if (state === 'open') {
      this.#opened = true;
      this.#attempts = attempt;
    } else if (state === 'reconnecting') this.#emit('state', { state, reason: this.#describe(code, reason), delayMs, attempt });
    // 44xx: refused by the handler itself after the upgrade (two joins raced for one name).
    else if (state === 'closed' && code >= 4400 && code < 4500) {
      this.#refuse({ status: code - 4000, code: `CLOSE_${code}`, message: reason || 'Refused by the server' });
    } else if (state === 'closed') this.#emit('state', { state: 'offline' });
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  #describe(code, reason) {
    if (code === 0) return this.#why;
    if (code === 1001 && /shutting down/i.test(reason)) return 'The server is restarting';
    if (code === 1006) return 'The connection was lost';
    return `The connection closed (${code}${reason ? `: ${reason}` : ''})`;
  }

  /** @param {Refusal} refusal */
  #refuse(refusal) {
    const client = this.#client;
    this.#client = undefined;
    this.#request = undefined;
    client?.close();
    this.#emit('refused', refusal);
    this.#emit('state', { state: 'offline' });
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/**
 * @param {JoinRequest} request
 * @param {string} [suffix]
 */
function joinPath({ room, name, token }, suffix = '') {
  return `/chat/${encodeURIComponent(room)}/${encodeURIComponent(name)}${suffix}?token=${encodeURIComponent(token)}`;
}

/**
 * A readable message from an error body, with validation details when there are some.
 * @param {{ message?: string, details?: unknown } | undefined} error
 */
function explain(error) {
  if (!error) return undefined;
  if (Array.isArray(error.details) && error.details.length > 0) {
    const messages = error.details.flatMap((d) => Object.values(d?.constraints ?? {}));
    if (messages.length > 0) return messages.join('; ');
  }
  return error.message;
}
