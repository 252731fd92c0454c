import { serializeCookie, type CookieOptions } from './set-cookie.js';

/** The `content-type` of `Response.text` and of a handler's plain string. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/** The body a {@link Response} carries: text, bytes, or nothing. */
export type ResponseBody = string | Uint8Array | undefined;

/**
 * An HTTP response built by a handler or middleware. Handlers may also return a string
 * (text/plain), a plain object or array (JSON), a `Uint8Array` (octet-stream) or `undefined`
 * (204); Kindling turns those into a `Response`. See docs/responses.md.
 *
 * @example
 * ```ts
 * return Response.created({ id }, `/rooms/${id}`).header('x-trace', 'abc');
 * ```
 */
export class Response {
  status: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[] = [];
  body: ResponseBody;

  constructor(body: ResponseBody = undefined, status = 200, headers?: Record<string, string>) {
    this.body = body;
    this.status = status;
    this.headers = {};
    if (headers !== undefined) for (const name in headers) this.headers[name.toLowerCase()] = headers[name] as string;
  }

  /** Sets a header (name is lower-cased). Returns this response. */
  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  /** Sets the status code. Returns this response. */
  withStatus(status: number): this {
    this.status = status;
    return this;
  }

  /**
   * Adds a `Set-Cookie` header; the value is percent-encoded. Returns this response.
   *
   * @throws TypeError for a name that is not an HTTP token or an attribute that could change
   *   the header's meaning (`;`, CR/LF or non-ASCII in `path`/`domain`, an unknown `sameSite`,
   *   a non-finite `maxAge`, an invalid `expires`). See docs/responses.md#cookie-options.
   * @example
   * ```ts
   * return Response.json({ ok: true }).cookie('session', token, { httpOnly: true, sameSite: 'Lax', maxAge: 3600 });
   * ```
   */
  cookie(name: string, value: string, options?: CookieOptions): this {
    this.cookies.push(serializeCookie(name, value, options));
    return this;
  }

  /** Adds a `Set-Cookie` header that deletes the cookie. */
  clearCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): this {
    return this.cookie(name, '', { ...options, maxAge: 0, expires: new Date(0) });
  }

  /** A JSON response (`application/json; charset=utf-8`). */
  static json(value: unknown, status = 200): Response {
    return withType(new Response(JSON.stringify(value), status), JSON_TYPE);
  }

  /** A text response (`text/plain; charset=utf-8`). */
  static text(text: string, status = 200): Response {
    return withType(new Response(text, status), TEXT_TYPE);
  }

  /** An HTML response (`text/html; charset=utf-8`). */
  static html(html: string, status = 200): Response {
    return withType(new Response(html, status), HTML_TYPE);
  }

  /** A binary response (`application/octet-stream` unless another type is given). */
  static bytes(data: Uint8Array, status = 200, contentType = 'application/octet-stream'): Response {
    return withType(new Response(data, status), contentType);
  }

  /** 201 Created with a JSON body and, when given, a `Location` header. */
  static created(value?: unknown, location?: string): Response {
    const res = value === undefined ? new Response(undefined, 201) : Response.json(value, 201);
    return location === undefined ? res : res.header('location', location);
  }

  /** 204 No Content. */
  static noContent(): Response {
    return new Response(undefined, 204);
  }

  /** A redirect (302 by default; 301, 303, 307 and 308 are allowed). */
  static redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 302): Response {
    return new Response(undefined, status, { location });
  }

  /** An error-shaped JSON response: `{ error: { code, message } }`. */
  static error(status: number, code: string, message: string): Response {
    return Response.json({ error: { code, message } }, status);
  }

  /** 400 with the standard error body. */
  static badRequest(message = 'Bad request'): Response {
    return Response.error(400, 'BAD_REQUEST', message);
  }

  /** 401 with the standard error body. */
  static unauthorized(message = 'Unauthorized'): Response {
    return Response.error(401, 'UNAUTHORIZED', message);
  }

  /** 403 with the standard error body. */
  static forbidden(message = 'Forbidden'): Response {
    return Response.error(403, 'FORBIDDEN', message);
  }

  /** 404 with the standard error body. */
  static notFound(message = 'Not found'): Response {
    return Response.error(404, 'NOT_FOUND', message);
  }
}

function withType(response: Response, contentType: string): Response {
  response.headers['content-type'] = contentType;
  return response;
}

/** What an HTTP handler may return (or resolve to). */
export type HandlerResult = Response | string | Uint8Array | object | undefined | null | void;

/** Turns a handler's return value into a {@link Response}. */
export function toResponse(result: HandlerResult): Response {
  if (result instanceof Response) return result;
  if (result === undefined || result === null) return Response.noContent();
  if (typeof result === 'string') return Response.text(result);
  if (result instanceof Uint8Array) return Response.bytes(result);
  return Response.json(result);
}
