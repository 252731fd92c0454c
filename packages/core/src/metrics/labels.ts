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

// A close's series as one number, counted at every close without making a string: the code
// label's stand-in (the code itself, or OTHER_APPLICATION_CODE / OTHER_CODE) times 2, plus 1
// when the server closed. `closeSeriesLabels` turns it back into labels at scrape time.
const OTHER_APPLICATION_CODE = 1;
const OTHER_CODE = 0;

/**
 * The key a close is counted under: its `code` label and who closed, as one number. The `code`
 * label is the code itself for RFC 6455 codes and Kindling's own, `4xxx` for other application
 * codes and `other` for anything else, so a peer choosing codes cannot create series.
 */
export function closeSeriesKey(code: number, initiatedBy: 'server' | 'client'): number {
  const label = KNOWN_CLOSE_CODES.has(code) ? code : code >= 4000 && code <= 4999 ? OTHER_APPLICATION_CODE : OTHER_CODE;
  return label * 2 + (initiatedBy === 'server' ? 1 : 0);
}

/** The `code` and `initiated_by` labels of a {@link closeSeriesKey}. */
export function closeSeriesLabels(key: number): { readonly code: string; readonly initiatedBy: 'server' | 'client' } {
  const label = Math.floor(key / 2);
  const code = label === OTHER_APPLICATION_CODE ? '4xxx' : label === OTHER_CODE ? 'other' : String(label);
  return { code, initiatedBy: key % 2 === 1 ? 'server' : 'client' };
}

const ERROR_CODE_NAMES = new Set(Object.keys(ERROR_CODES));

/** An error code as a label value: one of `ERROR_CODES`, else `OTHER`. */
export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && ERROR_CODE_NAMES.has(code) ? code : 'OTHER';
}
