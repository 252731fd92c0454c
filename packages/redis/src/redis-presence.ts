import type { Presence, PresenceEvent, PresenceMember } from '@kindling/websocket';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelNames } from './channel-names.js';
import type { NodeRegistry } from './node-registry.js';

const SEPARATOR = '\n';

/**
 * Presence in Redis: a hash per topic (field `<nodeId>\n<member>`, value the JSON meta), a set
 * of topics per node, and every join/leave published on one channel all nodes subscribe to.
 * `members()` lists only members of live nodes; a dead node's entries are removed (with leave
 * events) by the live node that claims it.
 */
export class RedisPresence implements Presence {
  readonly #redis: Redis;
  readonly #names: ChannelNames;
  readonly #nodeId: string;
  readonly #registry: () => NodeRegistry;
  readonly #listeners = new Set<(event: PresenceEvent) => void>();
  // This node's own members (topic → member → JSON meta), written again after Redis comes back
  // empty-handed (a restart without persistence).
  readonly #mine = new Map<string, Map<string, string>>();
  #log: Logger | undefined;

  constructor(redis: Redis, names: ChannelNames, nodeId: string, registry: () => NodeRegistry) {
    this.#redis = redis;
    this.#names = names;
    this.#nodeId = nodeId;
    this.#registry = registry;
  }

  /** Starts logging listener errors through `log`. */
  attach(log: Logger): void {
    this.#log = log;
  }

  async join(topic: string, member: string, meta: unknown = null): Promise<void> {
    checkName('join', topic, member);
    const event: PresenceEvent = { type: 'join', topic, member, meta, node: this.#nodeId };
    const json = JSON.stringify(meta);
    let mine = this.#mine.get(topic);
    if (mine === undefined) this.#mine.set(topic, (mine = new Map()));
    mine.set(member, json);
    await this.#redis
      .multi()
      .hset(this.#names.members(topic), this.#field(member), json)
      .sadd(this.#names.nodeTopics(this.#nodeId), topic)
      .publish(this.#names.presenceEvents, JSON.stringify(event))
      .exec();
  }

  async leave(topic: string, member: string): Promise<void> {
    checkName('leave', topic, member);
    const mine = this.#mine.get(topic);
    mine?.delete(member);
    if (mine?.size === 0) this.#mine.delete(topic);
    const key = this.#names.members(topic);
    const field = this.#field(member);
    const [[, meta] = [], [, removed] = []] = (await this.#redis.multi().hget(key, field).hdel(key, field).exec()) ?? [];
    if (removed !== 1) return;
    const event: PresenceEvent = { type: 'leave', topic, member, meta: parseMeta(meta), node: this.#nodeId, reason: 'left' };
    await this.#redis.publish(this.#names.presenceEvents, JSON.stringify(event));
  }

  async members(topic: string): Promise<PresenceMember[]> {
    const entries = Object.entries(await this.#redis.hgetall(this.#names.members(topic)));
    const parsed = entries.map(([field, meta]) => {
      const cut = field.indexOf(SEPARATOR);
      return { node: field.slice(0, cut), member: field.slice(cut + 1), meta: parseMeta(meta) };
    });
    const alive = await this.#registry().aliveOf([...new Set(parsed.map((m) => m.node))]);
    return parsed.filter((m) => alive.has(m.node));
  }

  on(listener: (event: PresenceEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** An event from the presence channel (from any node, this one included). */
  received(message: Buffer): void {
    let event: PresenceEvent;
    try {
      event = JSON.parse(message.toString('utf8')) as PresenceEvent;
    } catch {
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#log?.error({ event: 'presence.listener_error', err }, 'presence.listener_error');
      }
    }
  }

  /** Writes this node's members again (after a reconnect; Redis may have restarted empty). No events. */
  async rejoin(): Promise<void> {
    if (this.#mine.size === 0) return;
    const multi = this.#redis.multi();
    for (const [topic, members] of this.#mine) {
      for (const [member, json] of members) multi.hset(this.#names.members(topic), this.#field(member), json);
      multi.sadd(this.#names.nodeTopics(this.#nodeId), topic);
    }
    await multi.exec();
  }

  /** Forgets this node's own members (it is shutting down). */
  forgetMine(): void {
    this.#mine.clear();
  }

  /** Removes every member a node had (it died, or is shutting down) and announces each leave. */
  async removeNode(nodeId: string, reason: 'left' | 'node_down'): Promise<void> {
    const topicsKey = this.#names.nodeTopics(nodeId);
    const topics = await this.#redis.smembers(topicsKey);
    const head = `${nodeId}${SEPARATOR}`;
    for (const topic of topics) {
      const key = this.#names.members(topic);
      const fields = Object.entries(await this.#redis.hgetall(key)).filter(([field]) => field.startsWith(head));
      if (fields.length === 0) continue;
      const multi = this.#redis.multi().hdel(key, ...fields.map(([field]) => field));
      for (const [field, meta] of fields) {
        const event: PresenceEvent = { type: 'leave', topic, member: field.slice(head.length), meta: parseMeta(meta), node: nodeId, reason };
        multi.publish(this.#names.presenceEvents, JSON.stringify(event));
      }
      await multi.exec();
    }
    await this.#redis.del(topicsKey);
  }

  #field(member: string): string {
    return `${this.#nodeId}${SEPARATOR}${member}`;
  }
}

function checkName(call: string, topic: string, member: string): void {
  if (typeof topic !== 'string') throw new TypeError(`presence.${call}(): topic must be a string`);
  if (typeof member !== 'string' || member.includes(SEPARATOR)) throw new TypeError(`presence.${call}(): member must be a string without a newline`);
}

function parseMeta(meta: unknown): unknown {
  if (typeof meta !== 'string') return null;
  try {
    return JSON.parse(meta);
  } catch {
    return null;
  }
}
