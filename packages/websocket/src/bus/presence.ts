/** One member of a topic, as {@link Presence.members} lists it. */
export interface PresenceMember {
  /** The member's id as given to `join`, e.g. a user name. */
  readonly member: string;
  /** What was given to `join` (`null` when nothing was). */
  readonly meta: unknown;
  /** The node it joined on (`'local'` for the in-process presence). */
  readonly node: string;
}

/** A join or a leave, on any node. */
export interface PresenceEvent {
  readonly type: 'join' | 'leave';
  readonly topic: string;
  readonly member: string;
  readonly meta: unknown;
  readonly node: string;
  /** Why a member left: `'left'` (called `leave`) or `'node_down'` (its node stopped heart-beating). */
  readonly reason?: 'left' | 'node_down';
}

/**
 * Who is in a topic, across every node of the bus. `app.presence`; see docs/scaling.md.
 *
 * @example
 * ```ts
 * import type { Presence } from '@kindling/websocket';
 * async function enter(presence: Presence, room: string, nick: string) {
 *   await presence.join(room, nick, { since: Date.now() });
 *   return (await presence.members(room)).map((m) => m.member);
 * }
 * ```
 */
export interface Presence {
  /** Adds `member` to `topic` on this node (again: replaces its meta). Rejects when the bus is down. */
  join(topic: string, member: string, meta?: unknown): Promise<void>;
  /** Removes `member` from `topic` on this node; a member that was not there is ignored. */
  leave(topic: string, member: string): Promise<void>;
  /** Every member of `topic` on every live node, one entry per node a member joined on. */
  members(topic: string): Promise<PresenceMember[]>;
  /** Listens for joins and leaves of every topic; returns the function that stops listening. */
  on(listener: (event: PresenceEvent) => void): () => void;
}

/**
 * Presence for one app alone (the default with the in-process bus): the members of this app
 * only.
 *
 * @example
 * ```ts
 * import { localPresence } from '@kindling/websocket';
 * const presence = localPresence();
 * await presence.join('lobby', 'ada');
 * ```
 */
export function localPresence(): Presence {
  const topics = new Map<string, Map<string, unknown>>();
  const listeners = new Set<(event: PresenceEvent) => void>();
  const emit = (event: PresenceEvent) => {
    for (const listener of listeners) listener(event);
  };
  return {
    join(topic, member, meta = null) {
      let members = topics.get(topic);
      if (members === undefined) topics.set(topic, (members = new Map()));
      members.set(member, meta);
      emit({ type: 'join', topic, member, meta, node: 'local' });
      return Promise.resolve();
    },
    leave(topic, member) {
      const members = topics.get(topic);
      if (members === undefined || !members.has(member)) return Promise.resolve();
      const meta = members.get(member);
      members.delete(member);
      if (members.size === 0) topics.delete(topic);
      emit({ type: 'leave', topic, member, meta, node: 'local', reason: 'left' });
      return Promise.resolve();
    },
    members(topic) {
      return Promise.resolve([...(topics.get(topic) ?? [])].map(([member, meta]) => ({ member, meta, node: 'local' })));
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
