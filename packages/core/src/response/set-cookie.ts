import { describeValue } from '@kindling/websocket';

/**
 * Options for a `Set-Cookie` header, set with `Response.cookie(name, value, options)`. Every
 * attribute value is checked before it is written; a bad one is a `TypeError`. See
 * docs/responses.md#cookie-options.
 *
 * @example
 * ```ts
 * const options: CookieOptions = { httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 3600 };
 * ```
 */
export interface CookieOptions {
  /** `Max-Age` in seconds, rounded down; a finite number. @default undefined (a session cookie) */
  maxAge?: number;
  /** `Expires`; a valid `Date`. @default undefined */
  expires?: Date;
  /** `Path`: printable ASCII without `;`. @default '/' */
  path?: string;
  /** `Domain`: a host name such as `example.com` or `.example.com`. @default undefined (this host only) */
  domain?: string;
  /** `Secure`. @default false */
  secure?: boolean;
  /** `HttpOnly`. @default false */
  httpOnly?: boolean;
  /** `SameSite`. @default undefined (the browser's default, `Lax` in current browsers) */
  sameSite?: 'Strict' | 'Lax' | 'None';
}

// The same checks as the `cookie` package (jshttp/cookie 1.x), which needs Node 22 from 2.0.
// A name is an RFC 6265 token: printable ASCII without separators.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 1034 labels, optionally with a leading dot.
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
// RFC 6265 path-value: any CHAR except control characters and `;`.
const PATH = /^[\u0020-\u003A\u003C-\u007E]*$/;
const SAME_SITE: ReadonlyMap<string, string> = new Map([
  ['strict', 'Strict'],
  ['lax', 'Lax'],
  ['none', 'None'],
]);

/**
 * Serializes one `Set-Cookie` header value. The value is percent-encoded; the name and every
 * attribute are checked, so nothing a caller passes can end an attribute early (`;`), start a
 * new header line (`\r\n`) or smuggle bytes a browser reads differently (non-ASCII).
 *
 * @throws TypeError naming the cookie and the bad part: an invalid name, a value that cannot
 *   be encoded (a lone surrogate), an invalid `path`, `domain`, `maxAge`, `expires` or
 *   `sameSite`.
 * @example
 * ```ts
 * serializeCookie('sid', 'a b', { httpOnly: true }); // 'sid=a%20b; Path=/; HttpOnly'
 * serializeCookie('sid', 'v', { path: '/; Domain=evil.example' }); // TypeError
 * ```
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) {
    throw new TypeError(`Invalid cookie name ${JSON.stringify(name)}: use letters, digits and !#$%&'*+-.^_\`|~ only`);
  }
  let out = `${name}=${encodeValue(name, value)}`;
  if (options.maxAge !== undefined) {
    if (typeof options.maxAge !== 'number' || !Number.isFinite(options.maxAge)) {
      throw invalid(name, 'maxAge', options.maxAge, 'a finite number of seconds');
    }
    out += `; Max-Age=${Math.floor(options.maxAge)}`;
  }
  if (options.expires !== undefined) {
    if (!(options.expires instanceof Date) || Number.isNaN(options.expires.getTime())) {
      throw invalid(name, 'expires', options.expires, 'a valid Date');
    }
    out += `; Expires=${options.expires.toUTCString()}`;
  }
  if (options.domain !== undefined) {
    if (typeof options.domain !== 'string' || !DOMAIN.test(options.domain)) {
      throw invalid(name, 'domain', options.domain, 'a host name such as example.com');
    }
    out += `; Domain=${options.domain}`;
  }
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !PATH.test(path)) {
    throw invalid(name, 'path', path, 'printable ASCII without ";"');
  }
  out += `; Path=${path}`;
  if (options.httpOnly) out += '; HttpOnly';
  if (options.secure) out += '; Secure';
  if (options.sameSite !== undefined) {
    const sameSite = typeof options.sameSite === 'string' ? SAME_SITE.get(options.sameSite.toLowerCase()) : undefined;
    if (sameSite === undefined) throw invalid(name, 'sameSite', options.sameSite, "'Strict', 'Lax' or 'None'");
    out += `; SameSite=${sameSite}`;
  }
  return out;
}

// encodeURIComponent leaves only RFC 6265 cookie-octets, so the encoded value is always safe.
function encodeValue(name: string, value: string): string {
  if (typeof value !== 'string') throw invalid(name, 'value', value, 'a string');
  try {
    return encodeURIComponent(value);
  } catch {
    throw invalid(name, 'value', value, 'a string without lone surrogates');
  }
}

function invalid(cookie: string, option: string, value: unknown, expected: string): TypeError {
  const shown = value instanceof Date ? 'an invalid Date' : describeValue(value);
  return new TypeError(`Invalid cookie ${option} for "${cookie}": expected ${expected}, got ${shown}`);
}
