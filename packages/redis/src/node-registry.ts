import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelNames } from './channel-names.js';

/**
 * The nodes of one deployment, kept alive by heartbeats: each node refreshes its key (with a
 * TTL) every `heartbeatMs`; a node whose key expired is dead, and the first live node to
 * notice claims it (SREM answers 1 to exactly one caller) and cleans up after it.
 */
export class NodeRegistry {
  readonly #redis: Redis;
  readonly #names: ChannelNames;
  readonly #nodeId: string;
  readonly #ttlMs: number;
  readonly #heartbeatMs: number;
  readonly #onDead: (nodeId: string) => Promise<void>;
  #log: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  // When each node was last seen alive (local clock). A node stays counted for ttlMs after
  // that, so a Redis restart that forgot every heartbeat does not make the others vanish.
  readonly #seen = new Map<string, number>();

  constructor(redis: Redis, names: ChannelNames, nodeId: string, timing: { ttlMs: number; heartbeatMs: number }, onDead: (nodeId: string) => Promise<void>) {
    this.#redis = redis;
    this.#names = names;
    this.#nodeId = nodeId;
    this.#ttlMs = timing.ttlMs;
    this.#heartbeatMs = timing.heartbeatMs;
    this.#onDead = onDead;
  }

  /** Nodes seen alive within the last ttlMs, this one included. */
  get live(): number {
    const now = Date.now();
    let live = 1;
    for (const [id, seenAt] of this.#seen) {
      if (now - seenAt >= this.#ttlMs) this.#seen.delete(id);
      else if (id !== this.#nodeId) live++;
    }
    return live;
  }

  /** Beats now and then every `heartbeatMs` until {@link stop}. */
  start(log: Logger): Promise<void> {
    this.#log = log;
    this.#timer ??= setInterval(() => void this.beat(), this.#heartbeatMs).unref();
    return this.beat();
  }

  /** Refreshes this node's key, counts the live nodes and cleans up after dead ones. Never rejects. */
  async beat(): Promise<void> {
    const redis = this.#redis;
    if (redis.status !== 'ready') return;
    try {
      const key = this.#names.node(this.#nodeId);
      const [, , members] =
        (await redis.multi().set(key, '1', 'PX', this.#ttlMs).sadd(this.#names.nodes, this.#nodeId).smembers(this.#names.nodes).exec()) ?? [];
      const ids = (members?.[1] as string[] | undefined) ?? [];
      const alive = await this.#aliveOf(ids);
      const now = Date.now();
      for (const [i, id] of ids.entries()) if (alive[i]) this.#seen.set(id, now);
      for (const [i, id] of ids.entries()) {
        if (alive[i] || id === this.#nodeId) continue;
        if ((await redis.srem(this.#names.nodes, id)) === 1) await this.#onDead(id);
      }
    } catch (err) {
      this.#log?.debug({ event: 'bus.heartbeat_failed', bus: 'redis', err }, 'bus.heartbeat_failed');
    }
  }

  /** Which of `nodeIds` are alive now. */
  async aliveOf(nodeIds: readonly string[]): Promise<Set<string>> {
    const alive = await this.#aliveOf(nodeIds);
    return new Set(nodeIds.filter((_, i) => alive[i]));
  }

  /** Stops beating and, when Redis answers, removes this node at once (so others need not wait for the TTL). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#redis.status !== 'ready') return;
    await this.#redis.multi().del(this.#names.node(this.#nodeId)).srem(this.#names.nodes, this.#nodeId).exec();
  }

  async #aliveOf(nodeIds: readonly string[]): Promise<boolean[]> {
    if (nodeIds.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of nodeIds) pipeline.exists(this.#names.node(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, exists]) => err === null && exists === 1);
  }
}
