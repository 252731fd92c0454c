import { MalformedUri } from '../errors/rejections.js';

/** Parsed query string: repeated keys become arrays, in order of appearance. */
export type QueryRecord = Record<string, string | string[]>;

/**
 * Parses a raw query string (without `?`). `+` means a space; a malformed percent-escape is a
 * {@link MalformedUri} (400), never a thrown URIError.
 */
export function parseQueryString(raw: string): QueryRecord {
  const out: QueryRecord = Object.create(null) as QueryRecord;
  if (raw.length === 0) return out;
  for (const pair of raw.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq), raw);
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1), raw);
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

function decodeComponent(text: string, raw: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new MalformedUri('query', raw);
  }
}
