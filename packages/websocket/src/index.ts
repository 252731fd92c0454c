/**
 * @kindling/websocket — the Kindling WebSocket connection over an engine socket (uWebSockets.js,
 * or node:http + ws through `@kindling/core`): typed messages,
 * backpressure, topics, close semantics, message and batch handler adapters, heartbeats, rate
 * limits, and the hub that wires it to a uWS app.
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

export { WebSocketConnection } from './connection/connection.js';
export type { ConnectionHooks, ConnectionInit, SocketUserData } from './connection/connection.js';
export { BATCH_TIMING_SAMPLE, MESSAGE_TIMING_SAMPLE } from './handler-timings.js';
export type { HandlerTimings, TimedHandlerKind } from './handler-timings.js';
export { DEFAULT_CONNECTION_OPTIONS, resolveConnectionOptions } from './connection-options.js';
export type { ConnectionOptions } from './connection-options.js';
export { runHandler } from './handler-runner.js';
export { ConnectionHub } from './hub.js';
export type { CloseAllOptions, CloseAllResult, ConnectionHubOptions, HubCounters } from './hub.js';
export type { AdaptedHandler } from './adapter.js';
export { messageHandler } from './message-handler.js';
export type { JsonMessageHandlerOptions, MessageHandlerOptions } from './message-handler.js';
export { events } from './events/events-adapter.js';
export type { EventsOptions } from './events/events-adapter.js';
export { defineEvents } from './events/define-events.js';
export type { DefineEventsOptions, EventHandlers, EventsDefinition, EventsFor } from './events/define-events.js';
export { on } from './events/on.js';
export type { EventHandler, EventOptions, EventRateLimit } from './events/on.js';
export { payload } from './events/payload.js';
export type { EmitSpec, EmitSpecs, Payload } from './events/payload.js';
export type { EmitData, EmitType, EventConnection } from './events/event-connection.js';
export type { ContractOf, EventsContract } from './events/contract.js';
export type { EventEnvelope } from './events/envelope.js';
export type { EventsTypeError } from './events/events-type-error.js';
export { batchHandler } from './batch-handler.js';
export type { BatchHandlerOptions } from './batch-handler.js';
export { DEFAULT_HEARTBEAT } from './heartbeat-options.js';
export type { HeartbeatOptions } from './heartbeat-options.js';
export { DEFAULT_RATE_LIMIT_GRACE, RATE_LIMIT_CLOSE_REASON } from './rate-limit-options.js';
export type { RateLimitOptions, RateLimitPolicy } from './rate-limit-options.js';
export { TokenBucket } from './rate-limit.js';
export { TIMEOUT } from './inbox.js';
export { binaryMessage, isMessage, textMessage } from './message.js';
export type { BinaryMessage, Message, TextMessage } from './message.js';
export { ConnectionRegistry } from './registry.js';
export { idText, newSerial, newSerialId, serialBytes, type IdSource } from './serial-id.js';
export type { SendData, SendResult } from './send-result.js';
export type { BehaviorOptions } from './socket-behavior.js';
export type { EnginePayload, EnginePublisher, EngineSendStatus, EngineSocket, EngineSocketBehavior } from './engine-socket.js';
export { describeValue } from './received-value.js';
export { Sweeper } from './sweeper.js';
export { localBus } from './bus/local-bus.js';
export { threadsBus } from './bus/threads-bus.js';
export type { ThreadsBusOptions } from './bus/threads-bus.js';
export { announceThreadExit } from './bus/threads-presence.js';
export { localPresence } from './bus/presence.js';
export type { Presence, PresenceEvent, PresenceMember } from './bus/presence.js';
export type { BusLink, BusPayload, BusStats, TopicBus } from './bus/topic-bus.js';
export type { SweepTask } from './sweeper.js';

export { ERROR_CODES, isErrorCode } from './errors/error-codes.js';
export type { ErrorCode, ErrorCodeInfo } from './errors/error-codes.js';
export { KindlingError, toKindlingError } from './errors/kindling-error.js';
export type { ErrorBody, KindlingErrorOptions } from './errors/kindling-error.js';

export { ArrayOf, coerceStringRecord, Nested, prepareDto, validateDto } from './dto.js';
export type { CoerceOptions, DtoClass, DtoOptions, PrepareDtoOptions, ValidationDetail } from './dto.js';
