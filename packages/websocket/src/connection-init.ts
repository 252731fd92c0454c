import type { Logger } from 'pino';
import type { CloseInfo } from './close-codes.js';
import type { LogFields } from './connection-internals.js';
import type { ConnectionOptions } from './connection-options.js';
import type { WebSocketConnection } from './connection.js';
import type { HandlerTimings } from './handler-timings.js';
import type { IdSource } from './serial-id.js';

/**
 * Everything a connection needs from the upgrade request, prepared by whoever runs the
 * upgrade (`@kindling/core`, or your own uWS `upgrade` callback) and passed as uWS user data.
 */
export interface ConnectionInit {
  /** The route pattern, e.g. `/ws/room/{room_id}` (logged as `route`). */
  route: string;
  /** The peer's address as text. */
  remoteAddress: string;
  /** The negotiated subprotocol, `''` for none. */
  protocol: string;
  /**
   * The upgrade request's id (logged as `requestId`): its text, or a serial from `newSerial()`
   * whose text is made when read.
   */
  requestId: IdSource;
  /** Becomes `ws.data`. */
  data: unknown;
  /** The parent of the connection's `ws.log` (a child with `connId`, `route`, `requestId`). */
  logger: Logger;
  /** Resolved options, see `resolveConnectionOptions`. */
  options: ConnectionOptions;
  /** Called once the connection is open and registered; typically starts the handler with `runHandler`. */
  start(conn: WebSocketConnection): void;
}

/**
 * The uWS user data of a Kindling socket. Upgrade with `{ init }`; `open` adds `connection`.
 *
 * @example
 * ```ts
 * res.upgrade<SocketUserData>({ init }, key, protocol, extensions, context);
 * ```
 */
export interface SocketUserData {
  init: ConnectionInit;
  connection?: WebSocketConnection;
}

/** How the code that owns the sockets plugs into a connection. One object can serve them all. */
export interface ConnectionHooks {
  /** Ask uWS to compress outgoing frames (only takes effect when permessage-deflate was negotiated). */
  readonly compress?: boolean;
  /** App-wide publish, used by `ws.publish()` after this socket closed (it no longer is a subscriber). */
  readonly publish?: (topic: string, payload: string | Uint8Array | ArrayBuffer, isBinary: boolean) => boolean;
  /** Carries a `ws.publish()` to other threads/nodes (the topic bus); local delivery is the engine's. */
  readonly relay?: (topic: string, payload: string | Uint8Array | ArrayBuffer, isBinary: boolean) => void;
  /** The connection subscribed to `topic` (called on every subscribe; repeats are the receiver's to ignore). */
  readonly subscribed?: (conn: WebSocketConnection, topic: string) => void;
  /** The connection unsubscribed from `topic` (not called for the topics it leaves by closing). */
  readonly unsubscribed?: (conn: WebSocketConnection, topic: string) => void;
  /** Called exactly once when the connection has closed. */
  readonly onClose?: (conn: WebSocketConnection, info: CloseInfo) => void;
  /** Sees every lifecycle event the connection logs (whether or not its level is enabled), for counting. */
  readonly onEvent?: (conn: WebSocketConnection, fields: LogFields) => void;
  /** Times `messageHandler` / `batchHandler` calls when set. */
  readonly timings?: HandlerTimings;
}
