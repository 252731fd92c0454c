import 'reflect-metadata';

export { App } from './app.js';
export type { AppMetrics, AppOptions, ListenOptions, ShutdownOptions, ShutdownResult, WebSocketDefaults } from './app.js';
export type { MetricsBuckets, MetricsOptions, MetricsRegistry, MetricsSetting } from './metrics/metrics-options.js';
export type { HealthOptions, HealthSetting, ProbeOptions } from './health/health-options.js';
export type { CloseHook } from './server/close-hooks.js';
export type { LifecyclePhase } from './server/lifecycle.js';
export { serve } from './serve/serve.js';
export type { CreateApp, Server, ThreadContext } from './serve/serve.js';
export type { ServeOptions } from './serve/serve-options.js';
export type { EngineName, EngineSetting } from './engine/engine.js';
export { ListenError } from './server/listen-error.js';
export type { Logger, LoggerSetting } from './logger.js';

export { Router } from './router/router.js';
export type { HttpRouteMethod } from './router/router.js';
export type { HttpMethod } from './router/http-method.js';
export type { CheckExtractors, ExtractedArgs, HttpHandler, KindlingTypeError, WebSocketHandler } from './router/route-types.js';
export type { PathParams } from './router/path-params.js';
export type { WebSocketRouteOptions } from './router/websocket-route-options.js';
export type { Middleware, Next } from './middleware.js';
export { decideUpgrade } from './upgrade/upgrade-decision.js';
export type { UpgradeDecision, UpgradeRequest, UpgradeRoute } from './upgrade/upgrade-decision.js';
export { resolveRequestId } from './request/request-id.js';

export { createExtractor } from './extract/extractor.js';
export type { AnyExtractor, Extractor, ExtractorSource } from './extract/extractor.js';
// The built-in extractors double as controller parameter decorators (docs/controllers.md).
export { State, Extension } from './extract/state.js';
export { Path, Param } from './extract/path.js';
export { Query } from './extract/query.js';
export { Headers, Header, Cookies, Cookie } from './extract/headers.js';
export { Json } from './extract/json.js';
export { RequestId, RemoteAddress, Protocol } from './extract/connection-info.js';
export type { InferredPathParams, PathExtractor, RawPathDecorator } from './extract/path.js';
export type { SingleValueOptions } from './extract/headers.js';
export type { DtoClass, ExtractorDtoOptions } from './extract/dto-class.js';

export { RequestContext } from './request/request-context.js';
export type { ExtensionKey, SharedContext } from './request/request-context.js';
export type { QueryRecord } from './request/query-string.js';
export type { CookieOptions } from './response/set-cookie.js';
export { Response } from './response/response.js';
export type { HandlerResult, ResponseBody } from './response/response.js';

// Errors are classes: `throw new Unauthorized('...')`, `throw new KindlingError(code, options)` (docs/errors.md).
export { BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooManyRequests, InternalError } from './errors/common-errors.js';
export { HttpError } from './errors/deprecated-names.js';
export type { CallableErrorClass } from './errors/deprecated-names.js';
export {
  MalformedUri,
  RouteNotFound,
  MethodNotAllowed,
  MissingHeader,
  MissingCookie,
  InvalidJson,
  UnsupportedMediaType,
  PayloadTooLarge,
  HeadersTooLarge,
  InvalidHandshake,
  InvalidBodyFraming,
  UnsupportedWebSocketVersion,
  UpgradeRequired,
  OriginNotAllowed,
  ServerDraining,
  MissingDependency,
} from './errors/rejections.js';
export type { TlsFiles, TlsSetting } from './server/tls.js';

// The names an application needs from @kindling/websocket, so one import serves.
export {
  ERROR_CODES,
  KindlingError,
  WebSocketConnection,
  ConnectionRegistry,
  CloseCode,
  validateDto,
  Nested,
  ArrayOf,
  messageHandler,
  batchHandler,
  events,
  defineEvents,
  on,
  payload,
  TIMEOUT,
  DEFAULT_HEARTBEAT,
  RATE_LIMIT_CLOSE_REASON,
  localBus,
  threadsBus,
  announceThreadExit,
  localPresence,
} from '@kindling/websocket';
export type { BusLink, BusPayload, BusStats, Presence, PresenceEvent, PresenceMember, ThreadsBusOptions, TopicBus } from '@kindling/websocket';
export type { ErrorCode, ErrorBody, Message, TextMessage, BinaryMessage, CloseInfo, SendResult, ConnectionOptions } from '@kindling/websocket';
export type {
  AdaptedHandler,
  MessageHandlerOptions,
  JsonMessageHandlerOptions,
  BatchHandlerOptions,
  ContractOf,
  EventsContract,
  EventsDefinition,
  EventsFor,
  EventsOptions,
  EventHandler,
  EventHandlers,
  EventOptions,
  EventRateLimit,
  EventConnection,
  EventEnvelope,
  EventsTypeError,
  DefineEventsOptions,
  EmitData,
  EmitSpec,
  EmitSpecs,
  EmitType,
  Payload,
  HeartbeatOptions,
  RateLimitOptions,
  RateLimitPolicy,
} from '@kindling/websocket';

// Controllers: classes whose decorated methods become routes (docs/controllers.md).
export { Controller } from './decorators/controller.js';
export type { ControllerOptions } from './decorators/controller.js';
export { Get, Post, Put, Patch, Delete, Head, Options, All, WebSocket } from './decorators/routes.js';
export type { RouteDecorator } from './decorators/routes.js';
export { OnMessage, OnBatch } from './decorators/message-routes.js';
export type { OnMessageOptions, OnBatchOptions } from './decorators/message-routes.js';
export { OnEvent } from './decorators/event-routes.js';
export type { OnEventOptions } from './decorators/event-routes.js';
export { Heartbeat, RateLimit, Origins, Use } from './decorators/policies.js';
export type { PolicyDecorator } from './decorators/policies.js';
export { Body, Conn, Msg, Batch, Extract } from './decorators/handler-params.js';
export type { ExtractorDecorator, ParamDecorator } from './decorators/param-decorator.js';

// Static files: a router serving a directory (docs/static-files.md).
export { serveStatic } from './static/serve-static.js';
export type { ServeStaticOptions, DotfilesPolicy } from './static/static-options.js';
