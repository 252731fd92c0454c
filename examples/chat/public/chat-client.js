// The chat connection: joins a room, explains refusals, reconnects after a lost connection.
import { backoffDelay } from './backoff.js';

/**
 * @typedef {{ room: string, name: string, token: string }} JoinRequest
 * @typedef {{ status: number, code: string, message: string }} Refusal
 * @typedef {{ state: 'connecting' | 'connected' | 'reconnecting' | 'offline', reason?: string, delayMs?: number, attempt?: number }} ConnectionState
 */

/**
 * One member's connection to the chat server.
 *
 * Events (all `CustomEvent`s, the payload in `detail`):
 * - `state`: a {@link ConnectionState} whenever the connection state changes;
 * - `chat`: a server event (`welcome`, `join`, `leave`, `message`, `error`);
 * - `ratelimited`: `{ message, retryAfterMs }` when the server dropped messages sent too fast;
 * - `refused`: a {@link Refusal} when the server will not let this member in (bad token, taken
 *   name, invalid room or name); the client then stays offline;
 * - `reconnected`: `{ attempts }` when a welcome follows a lost connection.
 *
 * Browsers do not expose the HTTP status of a refused WebSocket upgrade (the socket just
 * closes), so after a failed upgrade the client asks `GET /chat/{room}/{name}/check`, which
 * runs the same checks over HTTP and answers with the same status and JSON error body.
 */
export class ChatClient extends EventTarget {
  /** @type {WebSocket | undefined} */ #socket;
  /** @type {JoinRequest | undefined} */ #request;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #timer;
  #attempt = 0;
  #welcomed = false;
  #backoff;

  /** @param {{ baseMs?: number, maxMs?: number }} [backoff] reconnect delays, see backoffDelay */
  constructor(backoff = {}) {
    super();
    this.#backoff = backoff;
  }

  /** @param {JoinRequest} request */
  join(request) {
    this.leave();
    this.#request = request;
    this.#welcomed = false;
    this.#attempt = 0;
    this.#emit('state', { state: 'connecting' });
    this.#open();
  }

  /** Leaves the room and stops reconnecting. */
  leave() {
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#request = undefined;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'left');
    this.#emit('state', { state: 'offline' });
  }

  /**
   * Sends a chat message. Returns false when not connected.
   * @param {string} text
   */
  send(text) {
    if (!this.#socket || this.#socket.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify({ type: 'message', text }));
    return true;
  }

  #open() {
    const request = this.#request;
    if (!request) return;
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${joinPath(request)}`);
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
    };
    socket.onmessage = (event) => {
      if (this.#socket === socket) this.#receive(String(event.data));
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (!opened) void this.#explainRefusal(request);
      else this.#closed(event.code, event.reason);
    };
  }

  /** @param {string} data */
  #receive(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null) return;
    if (typeof event.error === 'object' && event.error !== null) {
      // An error envelope from the framework, not a chat event: here, the message rate limit.
      if (event.error.code === 'RATE_LIMITED') {
        this.#emit('ratelimited', { message: event.error.message, retryAfterMs: event.error.details?.retryAfterMs ?? 0 });
      }
      return;
    }
    if (event.type === 'welcome') {
      const attempts = this.#attempt;
      this.#attempt = 0;
      this.#emit('state', { state: 'connected' });
      if (this.#welcomed) this.#emit('reconnected', { attempts });
      this.#welcomed = true;
    }
    this.#emit('chat', event);
  }

  /**
   * The socket closed after the upgrade.
   * @param {number} code
   * @param {string} reason
   */
  #closed(code, reason) {
    // 44xx: refused by the handler itself (two joins raced for one name).
    if (code >= 4400 && code < 4500 && !this.#welcomed) {
      return this.#refuse({ status: code - 4000, code: `CLOSE_${code}`, message: reason || 'Refused by the server' });
    }
    this.#retry(describeClose(code, reason));
  }

  /**
   * The upgrade failed: ask the check route why, with the same room, name and token.
   * @param {JoinRequest} request
   */
  async #explainRefusal(request) {
    let response;
    try {
      response = await fetch(joinPath(request, '/check'), { cache: 'no-store' });
    } catch {
      response = undefined;
    }
    if (this.#request !== request) return;
    if (!response) return this.#retry('The server is unreachable');
    if (response.ok) return this.#retry('The server refused the connection');
    const body = await response.json().catch(() => undefined);
    if (this.#request !== request) return;
    const refusal = {
      status: response.status,
      code: body?.error?.code ?? `HTTP_${response.status}`,
      message: explain(body?.error) ?? response.statusText,
    };
    // After a lost connection our own previous session may still hold the name for a moment.
    if (refusal.status === 409 && this.#welcomed) return this.#retry('Waiting for the previous session to end');
    if (refusal.status === 429 || refusal.status >= 500) return this.#retry(refusal.message);
    this.#refuse(refusal);
  }

  /** @param {string} reason */
  #retry(reason) {
    if (!this.#request) return;
    const delayMs = backoffDelay(this.#attempt, this.#backoff);
    this.#attempt++;
    this.#emit('state', { state: 'reconnecting', reason, delayMs, attempt: this.#attempt });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delayMs);
  }

  /** @param {Refusal} refusal */
  #refuse(refusal) {
    this.#request = undefined;
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

/**
 * @param {number} code
 * @param {string} reason
 */
function describeClose(code, reason) {
  if (code === 1001 && /shutting down/i.test(reason)) return 'The server is restarting';
  if (code === 1006) return 'The connection was lost';
  return `The connection closed (${code}${reason ? `: ${reason}` : ''})`;
}
