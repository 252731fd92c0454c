import { BroadcastChannel, threadId } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Presence, PresenceEvent, PresenceMember } from './presence.js';

/** One member as it crosses the channel: topic, member, JSON of its meta. */
type Entry = readonly [topic: string, member: string, meta: string];

/** What the threads of one server tell each other about presence. */
type Message =
  /** A thread started: here are its members; every other thread answers with a snapshot. */
  | { readonly kind: 'hello'; readonly from: string; readonly members: readonly Entry[] }
  | { readonly kind: 'snapshot'; readonly from: string; readonly to: string; readonly members: readonly Entry[] }
  | { readonly kind: 'join'; readonly from: string; readonly id: number; readonly entry: Entry }
  | { readonly kind: 'leave'; readonly from: string; readonly id: number; readonly topic: string; readonly member: string }
  /** `from` applied the join or leave `id` of `to`. */
  | { readonly kind: 'ack'; readonly from: string; readonly to: string; readonly id: number }
  /** `from`'s app shut down: its members left. */
  | { readonly kind: 'bye'; readonly from: string }
  /** Sent by the thread that started `node` once it ended (it may have crashed). */
  | { readonly kind: 'down'; readonly node: string };

/** Members of one thread: topic → member → JSON meta. */
type Members = Map<string, Map<string, string>>;

interface Pending {
  readonly waiting: Set<string>;
  readonly done: () => void;
}

const SEPARATOR = '\n';

/** The presence node name of the thread with this `threadId`, e.g. `'thread-2'`. */
export function threadNode(id: number = threadId): string {
  return `thread-${id}`;
}

/** The presence channel beside a threads bus's topic channel. */
export function presenceChannelName(channel: string): string {
  return `${channel}:presence`;
}

/**
 * Tells the threads of a threads bus that the thread `endedThreadId` has ended, so they drop
 * its members with a `leave` of reason `'node_down'`. `serve()` does it for its threads; call it
 * yourself (from the thread that started the worker, on its `'exit'`) only when you start the
 * threads. Harmless for a thread whose app shut down first (its members already left).
 *
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { announceThreadExit } from '@kindling/websocket';
 * const worker = new Worker(new URL('./server-thread.js', import.meta.url));
 * const id = worker.threadId;
 * worker.once('exit', () => announceThreadExit('my-server', id));
 * ```
 */
export function announceThreadExit(channel: string, endedThreadId: number): void {
  const port = new BroadcastChannel(presenceChannelName(channel));
  port.postMessage({ kind: 'down', node: threadNode(endedThreadId) } satisfies Message);
  port.close();
}

/**
 * Presence across the threads of one process, over a `BroadcastChannel` beside the threads
 * bus's. Each thread keeps its own members, tells the others of every join and leave, and keeps
 * a replica of theirs, so `members()` answers from memory. A `join` or `leave` resolves once
 * every other live thread has applied it (or after `timeoutMs`, logged), so `members()` on any
 * thread is right as soon as it resolved. See docs/scaling.md.
 */
export class ThreadsPresence implements Presence {
  readonly node = threadNode();
  readonly #name: string;
  readonly #timeoutMs: number;
  readonly #mine: Members = new Map();
  readonly #others = new Map<string, Members>();
  // Threads that ended: a message of theirs still under way must not bring their members back.
  readonly #gone = new Set<string>();
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: PresenceEvent) => void>();
  #channel: BroadcastChannel | undefined;
  #closed = false;
  #log: Logger | undefined;
  #nextId = 0;

  constructor(channel: string, timeoutMs: number) {
    this.#name = presenceChannelName(channel);
    this.#timeoutMs = timeoutMs;
  }

  /** Opens the channel and asks the other threads for their members (joins made before it go with the hello). */
  start(log: Logger): void {
    this.#log = log;
    const channel = new BroadcastChannel(this.#name);
    channel.onmessage = (event) => this.#received((event as { data: Message }).data);
    channel.onmessageerror = (event) => log.warn({ event: 'presence.receive_failed', bus: 'threads', err: String(event) }, 'presence.receive_failed');
    // Listening alone must not keep a thread alive once its app has shut down.
    channel.unref();
    this.#channel = channel;
    this.#post({ kind: 'hello', from: this.node, members: entriesOf(this.#mine) });
  }

  /** Tells the others this thread's members left, and stops. */
  close(): void {
    if (this.#channel === undefined) return;
    this.#post({ kind: 'bye', from: this.node });
    this.#channel.close();
    this.#channel = undefined;
    this.#closed = true;
    this.#mine.clear();
    this.#others.clear();
    for (const pending of this.#pending.values()) pending.done();
  }

  join(topic: string, member: string, meta: unknown = null): Promise<void> {
    try {
      checkName('join', topic, member);
      this.#checkOpen('join');
      // JSON, as the Redis presence stores it: every thread gets the same plain data.
      const json = JSON.stringify(meta) ?? 'null';
      put(this.#mine, topic, member, json);
      this.#emit({ type: 'join', topic, member, meta: JSON.parse(json), node: this.node });
      const id = this.#nextId++;
      return this.#broadcast(id, { kind: 'join', from: this.node, id, entry: [topic, member, json] });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  leave(topic: string, member: string): Promise<void> {
    try {
      checkName('leave', topic, member);
      this.#checkOpen('leave');
    } catch (err) {
      return Promise.reject(err);
    }
    const json = take(this.#mine, topic, member);
    if (json === undefined) return Promise.resolve();
    this.#emit({ type: 'leave', topic, member, meta: JSON.parse(json), node: this.node, reason: 'left' });
    const id = this.#nextId++;
    return this.#broadcast(id, { kind: 'leave', from: this.node, id, topic, member });
  }

  members(topic: string): Promise<PresenceMember[]> {
    const list: PresenceMember[] = [];
    const add = (node: string, members: Members) => {
      for (const [member, json] of members.get(topic) ?? []) list.push({ member, meta: JSON.parse(json), node });
    };
    add(this.node, this.#mine);
    for (const [node, members] of this.#others) add(node, members);
    return Promise.resolve(list);
  }

  on(listener: (event: PresenceEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #checkOpen(call: string): void {
    if (this.#closed) throw new Error(`presence.${call}(): the threads bus is closed`);
  }

  /** Sends a join or leave and resolves once every other live thread applied it, or after the timeout. */
  #broadcast(id: number, message: Message): Promise<void> {
    if (this.#channel === undefined || this.#others.size === 0) {
      // Not started: the hello carries it. No other thread: nobody to wait for.
      if (this.#channel !== undefined) this.#post(message);
      return Promise.resolve();
    }
    const waiting = new Set(this.#others.keys());
    this.#post(message);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#log?.warn({ event: 'presence.unacknowledged', bus: 'threads', threads: [...waiting], timeoutMs: this.#timeoutMs }, 'presence.unacknowledged');
        done();
      }, this.#timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve();
      };
      this.#pending.set(id, { waiting, done });
    });
  }

  #received(message: Message): void {
    if (message.kind === 'down') return this.#drop(message.node, 'node_down');
    if (message.from === this.node || this.#gone.has(message.from)) return;
    switch (message.kind) {
      case 'hello':
        this.#replace(message.from, message.members);
        this.#post({ kind: 'snapshot', from: this.node, to: message.from, members: entriesOf(this.#mine) });
        return;
      case 'snapshot':
        if (message.to === this.node) this.#replace(message.from, message.members);
        return;
      case 'join': {
        const [topic, member, json] = message.entry;
        put(this.#replica(message.from), topic, member, json);
        this.#emit({ type: 'join', topic, member, meta: JSON.parse(json), node: message.from });
        this.#post({ kind: 'ack', from: this.node, to: message.from, id: message.id });
        return;
      }
      case 'leave': {
        const json = take(this.#replica(message.from), message.topic, message.member);
        if (json !== undefined)
          this.#emit({ type: 'leave', topic: message.topic, member: message.member, meta: JSON.parse(json), node: message.from, reason: 'left' });
        this.#post({ kind: 'ack', from: this.node, to: message.from, id: message.id });
        return;
      }
      case 'ack':
        if (message.to === this.node) this.#acknowledged(message.id, message.from);
        return;
      case 'bye':
        return this.#drop(message.from, 'left');
    }
  }

  #acknowledged(id: number, from: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    pending.waiting.delete(from);
    if (pending.waiting.size === 0) pending.done();
  }

  #replica(node: string): Members {
    let members = this.#others.get(node);
    if (members === undefined) this.#others.set(node, (members = new Map()));
    return members;
  }

  /** A thread's full list (its hello or snapshot): replaces what this thread knew of it. */
  #replace(node: string, entries: readonly Entry[]): void {
    const before = this.#replica(node);
    const after: Members = new Map();
    for (const [topic, member, json] of entries) {
      put(after, topic, member, json);
      if (before.get(topic)?.get(member) !== json) this.#emit({ type: 'join', topic, member, meta: JSON.parse(json), node });
    }
    for (const [topic, member, json] of entriesOf(before)) {
      if (!after.get(topic)?.has(member)) this.#emit({ type: 'leave', topic, member, meta: JSON.parse(json), node, reason: 'left' });
    }
    this.#others.set(node, after);
  }

  /** A thread left (its app shut down, or it ended): its members leave, nothing of it is awaited. */
  #drop(node: string, reason: 'left' | 'node_down'): void {
    if (node === this.node || this.#gone.has(node)) return;
    this.#gone.add(node);
    const members = this.#others.get(node);
    this.#others.delete(node);
    for (const [topic, member, json] of entriesOf(members ?? new Map())) this.#emit({ type: 'leave', topic, member, meta: JSON.parse(json), node, reason });
    for (const id of [...this.#pending.keys()]) this.#acknowledged(id, node);
  }

  #post(message: Message): void {
    this.#channel?.postMessage(message);
  }

  #emit(event: PresenceEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#log?.error({ event: 'presence.listener_error', err }, 'presence.listener_error');
      }
    }
  }
}

function checkName(call: string, topic: string, member: string): void {
  if (typeof topic !== 'string') throw new TypeError(`presence.${call}(): topic must be a string`);
  // The Redis presence cannot store a newline in a member; the same rule here keeps apps portable.
  if (typeof member !== 'string' || member.includes(SEPARATOR)) throw new TypeError(`presence.${call}(): member must be a string without a newline`);
}

function put(members: Members, topic: string, member: string, json: string): void {
  let topicMembers = members.get(topic);
  if (topicMembers === undefined) members.set(topic, (topicMembers = new Map()));
  topicMembers.set(member, json);
}

function take(members: Members, topic: string, member: string): string | undefined {
  const topicMembers = members.get(topic);
  const json = topicMembers?.get(member);
  if (json === undefined) return undefined;
  topicMembers?.delete(member);
  if (topicMembers?.size === 0) members.delete(topic);
  return json;
}

function entriesOf(members: Members): Entry[] {
  const entries: Entry[] = [];
  for (const [topic, topicMembers] of members) for (const [member, json] of topicMembers) entries.push([topic, member, json]);
  return entries;
}
