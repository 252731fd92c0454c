/**
 * @kindling/testing — test Kindling apps over real sockets on 127.0.0.1 (`TestServer`, a
 * WebSocket client built on the independent `ws` package, HTTP requests) or in memory
 * (`testHandler`), with expectations that time out and explain themselves. See docs/testing.md.
 * @packageDocumentation
 */

export { TestServer } from './test-server.js';
export type { TestServerOptions } from './test-server.js';
export type { TestWebSocket } from './test-websocket.js';
export type { TestWebSocketOptions } from './ws-client.js';
export type { PendingWebSocket, RejectedUpgrade, BodyMatcher } from './pending-websocket.js';
export type { ReceivedMessage, SocketCloseInfo, FrameRecord } from './socket-inbox.js';
export type { TestRequest, TestResponse, TestRequestOptions } from './test-request.js';
export type { QueryInit, QueryValue, RequestTargetOptions } from './request-target.js';
export type { LogEntry, LogMatcher, LogLevel } from './captured-logs.js';

export { ExpectationError } from './expectations/expectation-error.js';
export { DEFAULT_TIMEOUT_MS } from './expectations/timeouts.js';
export type { ExpectOptions } from './expectations/timeouts.js';
export type { ExpectJsonOptions } from './expectations/json-expectation.js';
export type { TextMatcher } from './expectations/text-match.js';
export { diffJson } from './expectations/json-match.js';
export type { JsonMatchMode, JsonMismatch } from './expectations/json-match.js';

export { testHandler } from './in-memory.js';
export type { HandlerRun, TestHandlerOptions } from './in-memory.js';
