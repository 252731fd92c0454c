import type { RequestParts } from './request-parts.js';

/**
 * The size of a request's header section as `maxHeaderBytes` counts it: every name and value,
 * plus 4 bytes per header for the `: ` and the line break.
 */
export function headerBytes(parts: RequestParts): number {
  let total = 0;
  for (const name in parts.headers) total += name.length + (parts.headers[name] as string).length + 4;
  return total;
}
