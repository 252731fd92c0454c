const PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The Redis names of one Kindling deployment. Every name starts with `<prefix>:`, and a
 * prefix may not contain `:`, so no topic of one prefix can name a channel of another.
 */
export class ChannelNames {
  readonly prefix: string;
  readonly #topicHead: Buffer;

  constructor(prefix: string) {
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
      throw new TypeError(`redisBus: prefix must be 1-64 characters of A-Z a-z 0-9 _ . - (no ':'), got ${JSON.stringify(prefix)}`);
    }
    this.prefix = prefix;
    this.#topicHead = Buffer.from(`${prefix}:t:`);
  }

  /** The channel a topic's publishes travel on: exact bytes, subscribed with SUBSCRIBE (never a pattern). */
  topic(topic: string): Buffer {
    return Buffer.concat([this.#topicHead, Buffer.from(topic, 'utf8')]);
  }

  /** The set of node ids of this deployment. */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }

  /** A node's heartbeat key; it expires when the node stops refreshing it. */
  node(nodeId: string): string {
    return `${this.prefix}:node:${nodeId}`;
  }

  /** The channel presence joins and leaves are announced on. */
  get presenceEvents(): string {
    return `${this.prefix}:presence`;
  }

  /** The hash of a topic's members: field `<nodeId>\n<member>`, value the JSON meta. */
  members(topic: string): Buffer {
    return Buffer.concat([Buffer.from(`${this.prefix}:p:`), Buffer.from(topic, 'utf8')]);
  }

  /** The set of topics a node has members in, so others can clean up after it crashed. */
  nodeTopics(nodeId: string): string {
    return `${this.prefix}:nt:${nodeId}`;
  }
}
