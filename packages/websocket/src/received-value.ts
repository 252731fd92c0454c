/**
 * How an option error shows the value it got: with its type, so a string that looks like a
 * number cannot pass for one (`got string "5000"`, not `got 5000`).
 *
 * @example
 * ```ts
 * describeValue('5000');    // 'string "5000"'
 * describeValue(5.5);       // 'number 5.5'
 * describeValue(undefined); // 'undefined'
 * describeValue([1]);       // 'an array'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}
