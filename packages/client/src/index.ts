/**
 * `@kindling/client`: a typed, reconnecting WebSocket client for Kindling events routes. No
 * dependencies; runs in browsers and on Node 20+. See docs/client.md.
 *
 * @packageDocumentation
 */
export { backoffDelay, type ReconnectOptions, retryableClose } from './backoff.js';
export { type Client, createClient, type EmitArgs, type RequestArgs } from './client.js';
export { ClientError, type ClientErrorKind } from './client-error.js';
export type { EmitData, EmitType, EventsContract, ReplyOf, RequestData, RequestType } from './contract.js';
export type { ClientOptions, ConnectionState, LivenessOptions, QueueOptions, RequestOptions, StateChange, UrlProvider } from './options.js';
export type { SocketConstructor, SocketLike } from './socket.js';
