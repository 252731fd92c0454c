import type { EventRateLimit, HeartbeatOptions } from '@kindling/core';

/**
 * The chat's heartbeat: a connection silent for 20 s is pinged and closed 1001 when it stays
 * silent 10 s more. Browsers answer pings by themselves, so only dead peers are closed.
 */
export const CHAT_HEARTBEAT: Readonly<HeartbeatOptions> = Object.freeze({ intervalMs: 20_000, timeoutMs: 10_000 });

/**
 * The chat's message limit per member: 10 at once, then 5 a second. A `chat.send` over it is
 * not relayed; it is answered with a `RATE_LIMITED` error envelope carrying its id and
 * `retryAfterMs`, and the page keeps the text in its box. The connection stays open.
 */
export const CHAT_RATE_LIMIT: Readonly<EventRateLimit> = Object.freeze({ messages: 5, perMs: 1_000, burst: 10 });
