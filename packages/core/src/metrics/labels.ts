import { ERROR_CODES } from '@kindling/websocket';

/** The `route` label of a request that matched no route (raw paths never become labels). */
export const NO_ROUTE = '(none)';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Index of an HTTP method in the fixed set; every other method is `OTHER`. */
export function methodIndex(method: string): number {
  const i = (METHODS as readonly string[]).indexOf(method);
  return i === -1 ? METHODS.length : i;
}

/** The `method` label for {@link methodIndex}'s result. */
export function methodLabel(index: number): string {
  return METHODS[index] ?? 'OTHER';
}

/** A status code as a label value: three digits, or `0` for a request that was never answered (client went away). */
export function statusLabel(status: number): number {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 0;
}

// RFC 6455 codes and the close codes of Kindling's error table.
const KNOWN_CLOSE_CODES = new Set<number>([
  1000,
  1001,
  1002,
  1003,
  1005,
  1006,
  1007,
  1008,
  1009,
  1010,
  1011,
  1012,
  1013,
  1014,
  1015,
  ...Object.values(ERROR_CODES).map((c) => c.closeCode),
]);

/**
 * The `code` label of a close: the code itself for RFC 6455 codes and Kindling's own, `4xxx`
 * for other application codes and `other` for anything else, so a peer choosing codes cannot
 * create series.
 */
export function closeCodeLabel(code: number): string {
  if (KNOWN_CLOSE_CODES.has(code)) return String(code);
  return code >= 4000 && code <= 4999 ? '4xxx' : 'other';
}

const ERROR_CODE_NAMES = new Set(Object.keys(ERROR_CODES));

/** An error code as a label value: one of `ERROR_CODES`, else `OTHER`. */
export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && ERROR_CODE_NAMES.has(code) ? code : 'OTHER';
}
