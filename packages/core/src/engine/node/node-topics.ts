import type { EnginePayload } from '@kindling/websocket';

/** A subscriber as the topic registry sees it. */
export interface TopicMember {
  /** The topics it is in, `undefined` until its first subscribe (the registry keeps this set in step). */
  topics: Set<string> | undefined;
  /** Sends a published frame unless closed or over the engine's backpressure limit. */
  deliver(message: string | Buffer, isBinary: boolean, compress: boolean): boolean;
}

/**
 * The `node` engine's topics, with uWS's semantics: a socket's `publish` reaches every other
 * subscriber, the server's reaches all, a closed socket leaves every topic, and a subscriber
 * over its backpressure limit is skipped.
 */
export class NodeTopics {
  readonly #members = new Map<string, Set<TopicMember>>();

  subscribe(topic: string, member: TopicMember): boolean {
    let set = this.#members.get(topic);
    if (set === undefined) this.#members.set(topic, (set = new Set()));
    if (set.has(member)) return false;
    set.add(member);
    (member.topics ??= new Set()).add(topic);
    return true;
  }

  unsubscribe(topic: string, member: TopicMember): boolean {
    const set = this.#members.get(topic);
    if (set === undefined || !set.delete(member)) return false;
    member.topics?.delete(topic);
    if (set.size === 0) this.#members.delete(topic);
    return true;
  }

  /** Removes a closed socket from all its topics. */
  leaveAll(member: TopicMember): void {
    const topics = member.topics;
    if (topics === undefined) return;
    for (const topic of topics) {
      const set = this.#members.get(topic);
      if (set === undefined) continue;
      set.delete(member);
      if (set.size === 0) this.#members.delete(topic);
    }
    member.topics = undefined;
  }

  /** Sends to every subscriber of `topic` but `from`; true when there was one to send to. */
  publish(topic: string, from: TopicMember | undefined, message: EnginePayload, isBinary: boolean, compress: boolean): boolean {
    const set = this.#members.get(topic);
    if (set === undefined) return false;
    // Encode once for every subscriber.
    const frame = typeof message === 'string' ? Buffer.from(message) : toBuffer(message);
    let any = false;
    for (const member of set) {
      if (member === from) continue;
      any = true;
      member.deliver(frame, isBinary, compress);
    }
    return any;
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
