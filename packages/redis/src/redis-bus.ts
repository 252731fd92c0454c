import { randomBytes } from 'node:crypto';
import type { BusLink, BusPayload, BusStats, TopicBus } from '@kindling/websocket';
import { Redis, type RedisOptions } from 'ioredis';
import { decodeEnvelope, encodeEnvelope, NODE_ID_BYTES } from './bus-envelope.js';
import { ChannelNames } from './channel-names.js';
import { NodeRegistry } from './node-registry.js';
import { RedisPresence } from './redis-presence.js';
import { reconnectDelay, resolveRedisBusOptions, type RedisBusOptions, type ResolvedRedisBusOptions } from './redis-bus-options.js';

/** Where the bus connects: a Redis URL, or an ioredis client whose settings it copies (it opens its own two connections). */
export type RedisConnection = { url: string } | { client: Redis };

const SUBSCRIBE_CHUNK = 1000;

/**
 * A topic bus over Redis pub/sub: one SUBSCRIBE per topic with local subscribers, at most once
 * and in order per publisher, failing fast (counted and logged) while Redis is away, and
 * publishing again only once every topic is subscribed again. Comes with presence
 * (`app.presence`). See docs/scaling.md.
 *
 * @example
 * ```ts
 * import { App, Router } from '@kindling/core';
 * import { redisBus } from '@kindling/redis';
 * const app = new App(new Router(), { bus: redisBus({ url: 'redis://127.0.0.1:6379' }, { prefix: 'chat' }) });
 * await app.listen(3000);
 * ```
 */
export function redisBus(connection: RedisConnection, options: RedisBusOptions = {}): TopicBus {
  return new RedisBus(connection, resolveRedisBusOptions(options));
}

class RedisBus implements TopicBus {
  readonly kind = 'redis';
  readonly presence: RedisPresence;
  readonly #options: ResolvedRedisBusOptions;
  readonly #names: ChannelNames;
  readonly #nodeIdBytes = randomBytes(NODE_ID_BYTES);
  readonly #nodeId = this.#nodeIdBytes.toString('hex');
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #registry: NodeRegistry;
  readonly #where: string;
  // channel bytes (as latin1 text) → topic, and topic → channel bytes, for topics with local subscribers.
  readonly #topicOf = new Map<string, string>();
  readonly #channelOf = new Map<string, Buffer>();
  readonly #presenceChannel: string;
  #link: BusLink | undefined;
  #pubReady = false;
  #subReady = false;
  #up = false;
  #started = false;
  #closed = false;
  #subGeneration = 0;
  #waiters: (() => void)[] = [];
  #startFailed: ((err: Error) => void) | undefined;
  #lastError = '';
  #published = 0;
  #failed = 0;
  #possiblyLost = 0;
  #received = 0;

  constructor(connection: RedisConnection, options: ResolvedRedisBusOptions) {
    this.#options = options;
    this.#names = new ChannelNames(options.prefix);
    this.#presenceChannel = this.#names.presenceEvents;
    const own: RedisOptions = {
      lazyConnect: true,
      // Fail fast while Redis is away: no queue that would replay publishes into a broker
      // before the other nodes re-subscribed, and no resend of commands cut off mid-flight.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      retryStrategy: (attempt) => (this.#closed ? null : reconnectDelay(attempt, options.reconnect)),
    };
    if ('client' in connection) {
      this.#pub = connection.client.duplicate(own);
      this.#sub = connection.client.duplicate(own);
    } else {
      if (typeof connection.url !== 'string' || !/^rediss?:\/\//.test(connection.url)) {
        throw new TypeError(`redisBus: url must start with redis:// or rediss://, got ${JSON.stringify(connection.url)}`);
      }
      this.#pub = new Redis(connection.url, own);
      this.#sub = new Redis(connection.url, own);
    }
    this.#where = `${this.#pub.options.host ?? '?'}:${this.#pub.options.port ?? '?'}`;
    this.presence = new RedisPresence(this.#pub, this.#names, this.#nodeId, () => this.#registry);
    this.#registry = new NodeRegistry(this.#pub, this.#names, this.#nodeId, options, (id) => this.presence.removeNode(id, 'node_down'));
  }

  get ready(): Promise<void> {
    if (this.#up) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  start(link: BusLink): Promise<void> {
    if (this.#started) return Promise.reject(new Error('redisBus: already started (one bus per app)'));
    this.#started = true;
    this.#link = link;
    this.presence.attach(link.log);
    this.#wire();
    return new Promise<void>((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        this.#startFailed = undefined;
        void this.close().finally(() => reject(new Error(`redisBus: ${message}`)));
      };
      const timer = setTimeout(
        () => fail(`Redis at ${this.#where} did not come up within ${this.#options.connectTimeoutMs} ms${this.#lastError ? ` (${this.#lastError})` : ''}`),
        this.#options.connectTimeoutMs,
      );
      this.#startFailed = (err) => fail(`Redis at ${this.#where} refused the connection: ${err.message}`);
      this.#waiters.push(() => {
        clearTimeout(timer);
        this.#startFailed = undefined;
        resolve();
      });
      this.#pub.connect().catch(() => undefined);
      this.#sub.connect().catch(() => undefined);
    });
  }

  publish(topic: string, payload: BusPayload, isBinary: boolean): void {
    if (!this.#up) {
      this.#fail(topic, 'unavailable', this.#closed ? 'bus closed' : `Redis at ${this.#where} is down or not yet re-subscribed`);
      return;
    }
    const envelope = encodeEnvelope(this.#nodeIdBytes, payload, isBinary);
    const channel = this.#channelOf.get(topic);
    // Every live node should receive it, this one too when it subscribes to the topic.
    const expected = this.#registry.live - (channel === undefined ? 1 : 0);
    this.#pub.publish(channel ?? this.#names.topic(topic), envelope).then(
      (receivers) => {
        this.#published++;
        if (receivers < expected) this.#possiblyLost++;
      },
      (err: unknown) => this.#fail(topic, 'unconfirmed', err instanceof Error ? err.message : String(err)),
    );
  }

  subscribe(topic: string): void {
    const channel = this.#names.topic(topic);
    this.#channelOf.set(topic, channel);
    this.#topicOf.set(channel.toString('latin1'), topic);
    // While the subscriber connection is away, the re-subscription after it reconnects covers this topic.
    if (this.#sub.status === 'ready') this.#sub.subscribe(channel).catch(() => undefined);
  }

  unsubscribe(topic: string): void {
    const channel = this.#channelOf.get(topic);
    if (channel === undefined) return;
    this.#channelOf.delete(topic);
    this.#topicOf.delete(channel.toString('latin1'));
    if (this.#sub.status === 'ready') this.#sub.unsubscribe(channel).catch(() => undefined);
  }

  stats(): BusStats {
    return {
      kind: this.kind,
      up: this.#up,
      published: this.#published,
      failed: this.#failed,
      possiblyLost: this.#possiblyLost,
      received: this.#received,
      topics: this.#channelOf.size,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#setUp(false, 'closed');
    try {
      await withTimeout(
        (async () => {
          this.presence.forgetMine();
          await this.presence.removeNode(this.#nodeId, 'left');
          await this.#registry.stop();
        })(),
        1000,
      );
    } catch {
      // Redis is away: the other nodes drop this one when its heartbeat key expires.
    }
    this.#pub.disconnect();
    this.#sub.disconnect();
  }

  #wire(): void {
    const pub = this.#pub;
    const sub = this.#sub;
    pub.on('ready', () => {
      this.#pubReady = true;
      void this.#registry
        .start(this.#log())
        .then(() => this.presence.rejoin())
        .catch((err: unknown) => this.#log().warn({ event: 'presence.rejoin_failed', bus: 'redis', err }, 'presence.rejoin_failed'))
        .finally(() => this.#update());
    });
    pub.on('close', () => {
      this.#pubReady = false;
      this.#update();
    });
    sub.on('ready', () => void this.#resubscribe());
    sub.on('close', () => {
      this.#subGeneration++;
      this.#subReady = false;
      this.#update();
    });
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#receive(channel, message));
    for (const [role, client] of [['publisher', pub] as const, ['subscriber', sub] as const]) {
      client.on('error', (err: Error) => this.#error(role, err));
    }
  }

  /** Subscribes every topic again (in chunks); publishing resumes only after the last one. */
  async #resubscribe(): Promise<void> {
    const generation = ++this.#subGeneration;
    const channels: (string | Buffer)[] = [this.#presenceChannel, ...this.#channelOf.values()];
    try {
      for (let i = 0; i < channels.length; i += SUBSCRIBE_CHUNK) await this.#sub.subscribe(...channels.slice(i, i + SUBSCRIBE_CHUNK));
    } catch (err) {
      this.#log().warn({ event: 'bus.resubscribe_failed', bus: 'redis', err }, 'bus.resubscribe_failed');
      return;
    }
    if (generation !== this.#subGeneration) return;
    this.#subReady = true;
    this.#update();
  }

  #receive(channel: Buffer, message: Buffer): void {
    const name = channel.toString('latin1');
    if (name === this.#presenceChannel) return this.presence.received(message);
    const topic = this.#topicOf.get(name);
    if (topic === undefined) return;
    const envelope = decodeEnvelope(message);
    if (envelope === undefined) {
      this.#log().warn({ event: 'bus.bad_envelope', bus: 'redis', topic, bytes: message.length }, 'bus.bad_envelope');
      return;
    }
    if (envelope.sender.equals(this.#nodeIdBytes)) return;
    this.#received++;
    this.#link?.deliver(topic, envelope.payload, envelope.isBinary);
  }

  #update(): void {
    this.#setUp(this.#pubReady && this.#subReady && !this.#closed, this.#pubReady ? 'subscriber connection down' : 'publisher connection down');
  }

  #setUp(up: boolean, reason: string): void {
    if (up === this.#up) return;
    this.#up = up;
    if (up) {
      this.#lastError = '';
      this.#log().info({ event: 'bus.up', bus: 'redis', redis: this.#where, topics: this.#channelOf.size, nodes: this.#registry.live }, 'bus.up');
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    } else {
      this.#log().warn({ event: 'bus.down', bus: 'redis', redis: this.#where, reason }, 'bus.down');
    }
  }

  #error(role: string, err: Error): void {
    if (/WRONGPASS|NOAUTH|NOPERM|invalid password|AUTH/i.test(err.message)) this.#startFailed?.(err);
    // ioredis repeats the same error on every reconnect attempt: log when it changes.
    if (err.message === this.#lastError) return;
    this.#lastError = err.message;
    if (!this.#closed) this.#log().warn({ event: 'bus.redis_error', bus: 'redis', role, redis: this.#where, err: err.message }, 'bus.redis_error');
  }

  #fail(topic: string, reason: 'unavailable' | 'unconfirmed', err: string): void {
    this.#failed++;
    this.#log().warn({ event: 'bus.publish_failed', bus: 'redis', topic, reason, err }, 'bus.publish_failed');
  }

  #log(): BusLink['log'] {
    if (this.#link === undefined) throw new Error('redisBus: not started');
    return this.#link.log;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
