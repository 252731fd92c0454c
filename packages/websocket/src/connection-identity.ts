import type { Logger } from 'pino';
import type { ConnectionInit } from './connection-init.js';
import { kLogEvent, kSerial, type LogFields, type LogLevel } from './connection-internals.js';
import type { ConnectionOptions } from './connection-options.js';
import { MessageReceiver } from './message-receiver.js';
import { formatSerial, idText, newSerial, type IdSource } from './serial-id.js';

/**
 * V8 keeps a string built by concatenation (a request id is) as a chain of its pieces, several
 * hundred bytes for a UUID; reading a character makes V8 flatten it in place.
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * What a connection knows about itself from its upgrade: its ids, the peer, the route, its
 * data and limits, and how it logs. The base of {@link WebSocketConnection}, which adds the
 * socket. Ids and data are made when first read, so an idle connection holds numbers rather
 * than strings and objects.
 */
export abstract class ConnectionIdentity<TData = unknown> extends MessageReceiver {
  /** The number behind {@link id}; the registry keys connections by it. */
  readonly [kSerial]: number = newSerial();
  /** The peer's address as text. */
  readonly remoteAddress: string;
  /** The negotiated subprotocol, `''` for none. */
  readonly protocol: string;
  /** The route pattern this connection matched. */
  readonly route: string;
  /** The limits this connection runs with. */
  readonly options: Readonly<ConnectionOptions>;
  /** When the connection opened (ms since the epoch). */
  readonly openedAt: number = Date.now();
  #data: unknown;
  readonly #requestId: IdSource;
  readonly #parentLog: Logger;
  #log: Logger | undefined = undefined;

  constructor(init: ConnectionInit) {
    super();
    this.remoteAddress = init.remoteAddress;
    this.protocol = init.protocol;
    this.#requestId = typeof init.requestId === 'string' ? flatten(init.requestId) : init.requestId;
    this.route = init.route;
    this.#data = init.data;
    this.options = init.options;
    this.#parentLog = init.logger;
  }

  /**
   * A UUID-shaped id, unique within the process, logged as `connId`: a per-process random prefix
   * and a counter shared with request ids (see docs/websocket.md). Unique, not secret. Its text
   * is made when read, so an idle connection does not hold it.
   */
  get id(): string {
    return formatSerial(this[kSerial]);
  }

  /** The upgrade request's id (when the upgrade made a new one, its text is made when read). */
  get requestId(): string {
    return idText(this.#requestId);
  }

  /**
   * Application data attached at upgrade time (in `@kindling/core`, the request's `locals`); an
   * empty object, created on first read, when none was attached.
   */
  get data(): TData {
    return (this.#data ??= {}) as TData;
  }

  /** A pino child logger with `connId`, `route` and `requestId` (created on first use). */
  get log(): Logger {
    return (this.#log ??= this.#parentLog.child({ connId: this.id, route: this.route, requestId: this.requestId }));
  }

  protected get inboxCapacity(): number {
    return this.options.maxQueuedMessages;
  }

  /**
   * Logs a lifecycle event with `connId`, `route` and `requestId` through the child logger when
   * one exists, else through the parent without creating one (nothing at all when the level is
   * off). @internal
   */
  [kLogEvent](level: LogLevel, fields: LogFields): void {
    const log = this.#log;
    if (log !== undefined) log[level](fields, fields.event);
    else if (this.#parentLog.isLevelEnabled(level)) this.#parentLog[level]({ connId: this.id, route: this.route, requestId: this.requestId, ...fields }, fields.event);
  }
}
