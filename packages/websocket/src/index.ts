/**
 * @kindling/websocket — the Kindling WebSocket connection over uWebSockets.js: typed messages,
 * backpressure, topics, close semantics, and the hub that wires it to a uWS app.
 * Knows nothing of HTTP or routing. See docs/websocket.md.
 * @packageDocumentation
 */

export {
  assertSendableCloseCode,
  CloseCode,
  isSendableCloseCode,
  MAX_CLOSE_REASON_BYTES,
  truncateCloseReason,
} from './close-codes.js';
export type { CloseInfo } from './close-codes.js';

export type { ConnectionHooks, ConnectionInit, SocketUserData } from './connection-init.js';
export { DEFAULT_CONNECTION_OPTIONS, resolveConnectionOptions } from './connection-options.js';
export type { ConnectionOptions } from './connection-options.js';
export { WebSocketConnection } from './connection.js';
export { runHandler } from './handler-runner.js';
export { ConnectionHub } from './hub.js';
export type { CloseAllOptions, CloseAllResult, ConnectionHubOptions } from './hub.js';
export { TIMEOUT } from './inbox.js';
export { binaryMessage, isMessage, textMessage } from './message.js';
export type { BinaryMessage, Message, TextMessage } from './message.js';
export { ConnectionRegistry } from './registry.js';
export type { SendData, SendResult } from './send-result.js';
export type { BehaviorOptions } from './socket-behavior.js';
export { Sweeper } from './sweeper.js';
export type { SweepTask } from './sweeper.js';

export { ERROR_CODES, isErrorCode } from './errors/error-codes.js';
export type { ErrorCode, ErrorCodeInfo } from './errors/error-codes.js';
export { KindlingError, toKindlingError } from './errors/kindling-error.js';
export type { ErrorBody, KindlingErrorOptions } from './errors/kindling-error.js';

export { ArrayOf, coerceStringRecord, Nested, prepareDto, validateDto } from './dto.js';
export type { CoerceOptions, DtoClass, DtoOptions, ValidationDetail } from './dto.js';
