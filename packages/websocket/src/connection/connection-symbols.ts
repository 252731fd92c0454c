// The symbol-keyed members of WebSocketConnection, through which the code that drives a
// connection (hub, socket behavior, handler runner, adapters, policies) reaches it. Symbol keys
// keep them out of the public API: index.ts does not export this module.

/** `(frame: ArrayBuffer, isBinary: boolean) => void` — a message arrived from the engine. */
export const kMessage = Symbol('kindling.message');
/** `() => void` — a ping or pong arrived (counts as activity). */
export const kActivity = Symbol('kindling.activity');
/** `number` — inbound events so far (messages, pings, pongs); read by sweep tasks. */
export const kActivityCount = Symbol('kindling.activityCount');
/** `() => void` — the engine reported the send buffer draining. */
export const kDrain = Symbol('kindling.drain');
/** `(code: number, message: ArrayBuffer) => void` — the engine's `close` callback ran. */
export const kClosed = Symbol('kindling.closed');
/** `(code, reason, timeoutMs | undefined) => void` — start a close with a validated frame. */
export const kBeginClose = Symbol('kindling.beginClose');
/** `(payload, isBinary) => SendResult` — send a pre-encoded frame (used by broadcast). */
export const kSendFrame = Symbol('kindling.sendFrame');
/** `boolean` — `keepOpen()` was called. */
export const kKeptOpen = Symbol('kindling.keptOpen');
/** `PromiseLike<void> | undefined` — the running handler, registered by `runHandler` (or an adapter). */
export const kHandler = Symbol('kindling.handler');
/**
 * `(level, fields) => void` — logs a lifecycle event with `connId`/`route`/`requestId`,
 * without creating the child logger `ws.log` (which costs memory on every open connection).
 */
export const kLogEvent = Symbol('kindling.logEvent');
/**
 * `(consumer: MessageConsumer) => void` — hands every later message to `consumer` instead of
 * the inbox (used by `messageHandler` and `batchHandler`). Messages already queued go first.
 */
export const kAttachConsumer = Symbol('kindling.attachConsumer');
/** `() => Promise<void> | undefined` — shutdown: the consumer delivers what it holds now. */
export const kFlush = Symbol('kindling.flush');
/** `(fn: () => void) => void` — runs `fn` with the socket corked (sends leave in one write). */
export const kCork = Symbol('kindling.cork');
/** `number` — the connection's place in the id sequence (`ws.id` is its text); the registry's key. */
export const kSerial = Symbol('kindling.serial');
/** `HandlerTimings | undefined` — where `messageHandler` / `batchHandler` report call durations. */
export const kTimings = Symbol('kindling.timings');
/** The connection's heartbeat bookkeeping, owned by the hub's heartbeat wheels. */
export const kHeartbeat = Symbol('kindling.heartbeat');
