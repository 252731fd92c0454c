/**
 * The envelope of a message sent to an `events()` route: `{ "type": "chat.send", "id": 7,
 * "data": {...} }`, `id` and `data` optional. See docs/events.md.
 *
 * @example
 * ```ts
 * const request: EventEnvelope = { type: 'chat.send', id: 7, data: { text: 'hi' } };
 * socket.send(JSON.stringify(request));
 * ```
 */
export interface EventEnvelope {
  readonly type: string;
  readonly id?: string | number;
  readonly data?: unknown;
}

/**
 * What is wrong with a parsed message as an {@link EventEnvelope}, as a sentence for the error
 * envelope; `undefined` when it is one. Keys other than `type`, `id` and `data` are refused, so
 * a typo (`"date"`) is reported rather than read as an event without data.
 */
export function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected a JSON object { "type", "id"?, "data"? }, got ${describe(value)}`;
  }
  for (const key in value) {
    if (key !== 'type' && key !== 'id' && key !== 'data') return `unknown key "${key}": an envelope has only "type", "id" and "data"`;
  }
  const { type, id } = value as { type?: unknown; id?: unknown };
  if (typeof type !== 'string' || type === '') return '"type" must be a non-empty string';
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') return '"id" must be a string or a number';
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
