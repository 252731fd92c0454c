import type { DtoClass } from '@kindling/websocket';
import type { ClientRegistry } from './client-registry.js';
import { callSite, failure, indent, preview } from './expectations/expectation-error.js';
import { checkJson, describeJsonExpectation } from './expectations/json-expectation.js';
import { describeTextMatcher, matchesText, type TextMatcher } from './expectations/text-match.js';
import { resolveTimeout } from './expectations/timeouts.js';
import { sendRequest, type RawResponse } from './http-client.js';
import { headersWithCookies, pathWithQuery, type RequestTargetOptions } from './request-target.js';
import { previewText } from './socket-inbox.js';

/** Options for `server.request(method, path, options)`. */
export interface TestRequestOptions extends RequestTargetOptions {
  /**
   * The request body: a string is sent as `text/plain`, bytes as `application/octet-stream`,
   * anything else as JSON — unless a `content-type` header says otherwise.
   * @default no body
   */
  body?: unknown;
  /**
   * `'manual'` returns a redirect as it is; `'follow'` follows up to five redirects to paths
   * on the same server (a 303, or a 301/302 after a non-GET, continues as a bodiless GET).
   * @default 'manual'
   */
  redirect?: 'manual' | 'follow';
  /** How long to wait for the whole response. @default the server's `timeoutMs` (2000) */
  timeoutMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

const decoder = new TextDecoder();

/** A response a {@link TestRequest} resolved with. */
export class TestResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** Every `Set-Cookie` header, in order. */
  readonly setCookies: readonly string[];
  readonly body: Uint8Array;

  /** @internal */
  constructor(raw: RawResponse) {
    this.status = raw.status;
    this.headers = raw.headers;
    this.setCookies = raw.setCookies;
    this.body = raw.body;
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    return decoder.decode(this.body);
  }

  /** The body parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text) as T;
  }
}

type Check = {
  readonly name: string;
  readonly expected: string;
  readonly site: Error;
  readonly run: (res: TestResponse) => Promise<string | undefined> | string | undefined;
};

/** Everything a request needs from its server. */
export interface TestRequestContext {
  readonly port: number;
  readonly timeoutMs: number;
  readonly clients: ClientRegistry;
}

/**
 * An HTTP request to the test server: chain expectations, then await it. It is sent when first
 * awaited; the expectations run in order on the response and the first that fails rejects
 * with an {@link ExpectationError} showing the request, the response status and its body.
 *
 * @example
 * ```ts
 * const res = await server.request('POST', '/rooms', { body: { name: 'lobby' } })
 *   .expectStatus(201)
 *   .expectHeader('location', '/rooms/lobby')
 *   .expectJson({ name: 'lobby' });
 * ```
 */
export class TestRequest implements PromiseLike<TestResponse> {
  readonly #method: string;
  readonly #path: string;
  readonly #options: TestRequestOptions;
  readonly #context: TestRequestContext;
  readonly #checks: Check[] = [];
  readonly #site = callSite();
  #result: Promise<TestResponse> | undefined;

  /** @internal Built by `TestServer.request`. */
  constructor(method: string, path: string, options: TestRequestOptions, context: TestRequestContext) {
    this.#method = method.toUpperCase();
    this.#path = pathWithQuery(path, options.query);
    this.#options = options;
    this.#context = context;
  }

  /** Expects this status code. */
  expectStatus(status: number): this {
    return this.#check('expectStatus', `status ${status}`, (res) => (res.status === status ? undefined : `status ${res.status}`));
  }

  /**
   * Expects a header: present (no `value`), equal to a string, or matching a RegExp.
   * Header names are case-insensitive.
   */
  expectHeader(name: string, value?: string | RegExp): this {
    const key = name.toLowerCase();
    const expected = `header ${key}${value === undefined ? '' : typeof value === 'string' ? `: ${value}` : ` matching ${String(value)}`}`;
    return this.#check('expectHeader', expected, (res) => {
      const got = res.headers[key];
      if (got === undefined) return `no ${key} header`;
      if (value === undefined || (typeof value === 'string' ? got === value : matchesText(value, got))) return undefined;
      return `${key}: ${got}`;
    });
  }

  /** Expects the body as text: equal to a string, matching a RegExp, or accepted by a predicate. */
  expectText(matcher: TextMatcher): this {
    return this.#check('expectText', describeTextMatcher(matcher), (res) =>
      matchesText(matcher, res.text) ? undefined : `body ${previewText(res.text, 400)}`,
    );
  }

  /**
   * Expects a JSON body matching `expected` partially (or exactly with `{ exact: true }`), valid
   * as a DTO class, or any JSON with no argument.
   */
  expectJson<T extends object>(dto: DtoClass<T>, options?: { exact?: boolean }): this;
  expectJson(expected?: unknown, options?: { exact?: boolean }): this;
  expectJson(expected?: unknown, options: { exact?: boolean } = {}): this {
    const exact = options.exact ?? false;
    return this.#check('expectJson', describeJsonExpectation(expected, exact), async (res) => {
      const verdict = await checkJson(res.text, expected, exact);
      return verdict.ok ? undefined : `a body that ${verdict.problem}`;
    });
  }

  /** Sends the request (once) and runs the expectations. */
  then<R1 = TestResponse, R2 = never>(
    onfulfilled?: ((response: TestResponse) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#result ??= this.#run();
    return this.#result.then(onfulfilled, onrejected);
  }

  #check(name: string, expected: string, run: Check['run']): this {
    if (this.#result) throw new Error(`${name}() after the request was sent: chain expectations before awaiting`);
    this.#checks.push({ name, expected, site: callSite(), run });
    return this;
  }

  async #run(): Promise<TestResponse> {
    const timeoutMs = resolveTimeout(this.#options.timeoutMs, this.#context.timeoutMs);
    const headers = headersWithCookies(this.#options);
    const body = encodeBody(this.#options.body, headers);
    let raw: RawResponse;
    try {
      raw = await this.#send(this.#method, this.#path, headers, body, timeoutMs);
    } catch (err) {
      const error = failure(this.#site, `${this.#label} failed: ${err instanceof Error ? err.message : String(err)}`);
      error.cause = err;
      throw error;
    }
    const response = new TestResponse(raw);
    for (const check of this.#checks) {
      const problem = await check.run(response);
      if (problem === undefined) continue;
      const type = response.headers['content-type'];
      const shown =
        response.body.byteLength === 0 ? '(empty)' : type?.startsWith('application/octet-stream') ? preview(response.body) : previewText(response.text, 400);
      throw failure(
        check.site,
        [
          `${check.name} failed on ${this.#label}`,
          `  expected: ${check.expected}`,
          `  received: ${problem.includes('\n') ? `\n${indent(problem, 4)}` : problem}`,
          `  response: ${response.status}${type ? ` (${type})` : ''}`,
          `  body: ${shown}`,
        ].join('\n'),
      );
    }
    return response;
  }

  async #send(method: string, path: string, headers: Record<string, string>, body: Uint8Array | undefined, timeoutMs: number): Promise<RawResponse> {
    const send = (m: string, p: string, h: Record<string, string>, b: Uint8Array | undefined) =>
      sendRequest({ port: this.#context.port, method: m, path: p, headers: h, body: b, timeoutMs }, this.#context.clients);
    let raw = await send(method, path, headers, body);
    for (let hops = 0; this.#options.redirect === 'follow' && REDIRECTS.has(raw.status); hops++) {
      const location = raw.headers['location'];
      if (location === undefined) break;
      if (hops === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, `http://127.0.0.1:${this.#context.port}${path}`);
      if (next.host !== `127.0.0.1:${this.#context.port}`) throw new Error(`a redirect leaves the test server: ${location}`);
      if (raw.status === 303 || ((raw.status === 301 || raw.status === 302) && method !== 'GET' && method !== 'HEAD')) {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'content-type'));
      }
      path = `${next.pathname}${next.search}`;
      raw = await send(method, path, headers, body);
    }
    return raw;
  }

  get #label(): string {
    return `${this.#method} ${this.#path}`;
  }
}

function encodeBody(body: unknown, headers: Record<string, string>): Uint8Array | undefined {
  if (body === undefined) return undefined;
  const typed = (type: string) => {
    headers['content-type'] ??= type;
  };
  if (typeof body === 'string') {
    typed('text/plain; charset=utf-8');
    return new TextEncoder().encode(body);
  }
  if (body instanceof Uint8Array) {
    typed('application/octet-stream');
    return body;
  }
  typed('application/json');
  return new TextEncoder().encode(JSON.stringify(body));
}
