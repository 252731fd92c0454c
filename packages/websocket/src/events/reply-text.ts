/**
 * The reply `{"id":id,"data":value}` (no `data` for `undefined`) as JSON text, written without
 * the object `JSON.stringify({ id, data })` would need. Throws a `TypeError` for a value JSON
 * cannot represent (a function, a symbol; `JSON.stringify` throws for a `bigint` itself).
 */
export function replyText(id: string | number, value: unknown): string {
  const idJson = typeof id === 'number' ? String(id) : JSON.stringify(id);
  if (value === undefined) return `{"id":${idJson}}`;
  const data = JSON.stringify(value) as string | undefined;
  if (data === undefined) throw new TypeError(`a reply cannot be ${typeof value}: JSON cannot represent it`);
  return `{"id":${idJson},"data":${data}}`;
}
