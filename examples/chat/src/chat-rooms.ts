import type { Presence } from '@kindling/core';

/**
 * Who is in which room. Names are unique per room. With {@link usePresence} the "here now"
 * list ({@link here}) covers every node of a cluster or every thread of `serve()` (`app.presence`
 * on a Redis or threads bus).
 */
export class ChatRooms {
  readonly #rooms = new Map<string, Set<string>>();
  #presence: Presence | undefined;

  /** Also keeps members in `presence`, so {@link here} lists the members of every node. */
  usePresence(presence: Presence): this {
    this.#presence = presence;
    return this;
  }

  /** Everyone in a room right now: on every node with presence, else on this server. */
  async here(room: string): Promise<string[]> {
    if (this.#presence === undefined) return this.members(room);
    const members = await this.#presence.members(room);
    return [...new Set(members.map((m) => m.member))];
  }

  /** Announces `user` in the room's presence (nothing without presence). */
  async arrive(room: string, user: string): Promise<void> {
    await this.#presence?.join(room, user);
  }

  /** Takes `user` out of the room's presence (nothing without presence). */
  async depart(room: string, user: string): Promise<void> {
    await this.#presence?.leave(room, user);
  }

  /** Members of a room, in join order. */
  members(room: string): string[] {
    return [...(this.#rooms.get(room) ?? [])];
  }

  /** Whether `user` is in `room`. */
  has(room: string, user: string): boolean {
    return this.#rooms.get(room)?.has(user) ?? false;
  }

  /** Adds `user` to `room`, creating the room. */
  join(room: string, user: string): void {
    let members = this.#rooms.get(room);
    if (!members) this.#rooms.set(room, (members = new Set()));
    members.add(user);
  }

  /** Removes `user` from `room`; an emptied room is forgotten. */
  leave(room: string, user: string): void {
    const members = this.#rooms.get(room);
    if (!members) return;
    members.delete(user);
    if (members.size === 0) this.#rooms.delete(room);
  }
}
