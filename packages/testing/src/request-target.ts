/** A query value: repeated keys are arrays; `undefined` leaves the key out. */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

/** Query parameters for a test request or upgrade, encoded with `URLSearchParams`. */
export type QueryInit = Readonly<Record<string, QueryValue>> | URLSearchParams | string;

/** What a test request or upgrade sends besides its path. */
export interface RequestTargetOptions {
  /** Appended to the path (after any query already in it). */
  query?: QueryInit;
  /** Request headers; names are case-insensitive. */
  headers?: Readonly<Record<string, string>>;
  /** Sent as one `Cookie` header (values percent-encoded), after any `cookie` in `headers`. */
  cookies?: Readonly<Record<string, string>>;
}

/** `/rooms/a` + `{ token: 'x' }` → `/rooms/a?token=x`. */
export function pathWithQuery(path: string, query: QueryInit | undefined): string {
  if (!path.startsWith('/')) throw new TypeError(`A test request path must start with '/', got ${JSON.stringify(path)}`);
  if (query === undefined) return path;
  const search = typeof query === 'string' ? query.replace(/^\?/, '') : toSearchParams(query).toString();
  if (!search) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${search}`;
}

/** Lower-cased headers with the cookies folded into one `cookie` header. */
export function headersWithCookies(options: RequestTargetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const cookies = Object.entries(options.cookies ?? {}).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  if (cookies.length > 0) headers['cookie'] = [headers['cookie'], ...cookies].filter(Boolean).join('; ');
  return headers;
}

function toSearchParams(query: Readonly<Record<string, QueryValue>> | URLSearchParams): URLSearchParams {
  if (query instanceof URLSearchParams) return query;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values: readonly (string | number | boolean)[] = Array.isArray(value) ? value : [value as string | number | boolean];
    for (const v of values) params.append(key, String(v));
  }
  return params;
}
