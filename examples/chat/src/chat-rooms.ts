/** Who is in which room. Names are unique per room. */
export class ChatRooms {
  readonly #rooms = new Map<string, Set<string>>();

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
