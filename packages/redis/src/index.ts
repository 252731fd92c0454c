/**
 * @kindling/redis — Kindling topics and presence across nodes on Redis, with ioredis.
 * See docs/scaling.md.
 * @packageDocumentation
 */

export { redisBus } from './redis-bus.js';
export type { RedisConnection } from './redis-bus.js';
export type { ReconnectOptions, RedisBusOptions } from './redis-bus-options.js';
