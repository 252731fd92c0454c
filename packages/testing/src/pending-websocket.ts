import { callSite, failure, indent, preview } from './expectations/expectation-error.js';
import { checkJson, isDtoClass } from './expectations/json-expectation.js';
import { matchesText } from './expectations/text-match.js';
import { previewText } from './socket-inbox.js';
import type { TestWebSocket } from './test-websocket.js';

/** An upgrade the server answered without a 101: status, headers and body as received. */
export interface RejectedUpgrade {
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text. */
  readonly body: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}

/**
 * What a rejection's body must be: containing this string, matching this RegExp, accepted by
 * this predicate, valid as this DTO, or an object the JSON body matches partially.
 */
export type BodyMatcher = string | RegExp | ((body: string) => boolean) | object;

/** How an upgrade attempt ended. */
export type UpgradeOutcome =
  | { readonly kind: 'open'; readonly socket: TestWebSocket }
  | { readonly kind: 'rejected'; readonly response: RejectedUpgrade }
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * An upgrade in progress. Await it for the open {@link TestWebSocket} (a refused upgrade
 * rejects with the status and body), or call {@link PendingWebSocket.expectRejected} to
 * assert that the server answered without a 101.
 *
 * @example
 * ```ts
 * const ws = await server.ws('/echo');
 * await server.ws('/admin').expectRejected(401, { error: { code: 'UNAUTHORIZED' } });
 * ```
 */
export class PendingWebSocket implements PromiseLike<TestWebSocket> {
  readonly #outcome: Promise<UpgradeOutcome>;
  readonly #target: string;
  readonly #site: Error;

  /** @internal Built by `TestServer.ws` and `testHandler`. */
  constructor(outcome: Promise<UpgradeOutcome>, target: string) {
    this.#outcome = outcome;
    this.#target = target;
    this.#site = callSite();
  }

  /** Resolves with the open socket; rejects with a readable error if the upgrade failed. */
  then<R1 = TestWebSocket, R2 = never>(
    onfulfilled?: ((socket: TestWebSocket) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#outcome.then((outcome) => this.#open(outcome)).then(onfulfilled, onrejected);
  }

  /**
   * Fails unless the server answered the upgrade without a 101 — with `status` when given, and
   * a body matching `body` when given. Resolves with the rejection.
   *
   * @example
   * ```ts
   * await server.ws('/rooms/x', { origin: 'http://evil.test' }).expectRejected(403, { error: { code: 'ORIGIN_NOT_ALLOWED' } });
   * ```
   */
  async expectRejected(status?: number, body?: BodyMatcher): Promise<RejectedUpgrade> {
    const site = callSite();
    const outcome = await this.#outcome;
    const wanted = `the upgrade to be rejected${status === undefined ? '' : ` with ${status}`}${body === undefined ? '' : ` and a body ${describeBody(body)}`}`;
    if (outcome.kind === 'open') {
      outcome.socket.terminate();
      throw failure(site, `expectRejected failed on ${this.#target}\n  expected: ${wanted}\n  received: 101 Switching Protocols (the connection opened)`);
    }
    if (outcome.kind === 'failed') {
      throw failure(site, `expectRejected failed on ${this.#target}\n  expected: ${wanted}\n  received: no HTTP answer (${outcome.error.message})`);
    }
    const { response } = outcome;
    const problem = status !== undefined && response.status !== status ? `status ${response.status}` : await bodyProblem(response.body, body);
    if (problem !== undefined) {
      throw failure(site, `expectRejected failed on ${this.#target}\n  expected: ${wanted}\n  received: ${problem}\n${describeRejection(response)}`);
    }
    return response;
  }

  #open(outcome: UpgradeOutcome): TestWebSocket {
    if (outcome.kind === 'open') return outcome.socket;
    if (outcome.kind === 'rejected') {
      const { response } = outcome;
      throw failure(
        this.#site,
        `WebSocket upgrade failed on ${this.#target}\n  expected: 101 Switching Protocols\n  received: ${response.status}\n${describeRejection(response)}`,
      );
    }
    const error = failure(
      this.#site,
      `WebSocket upgrade failed on ${this.#target}\n  expected: 101 Switching Protocols\n  received: no HTTP answer (${outcome.error.message})`,
    );
    error.cause = outcome.error;
    throw error;
  }
}

function describeRejection(response: RejectedUpgrade): string {
  const type = response.headers['content-type'];
  return indent(`response: ${response.status}${type ? ` (${type})` : ''}\nbody: ${response.body ? previewText(response.body, 400) : '(empty)'}`);
}

function describeBody(body: BodyMatcher): string {
  if (typeof body === 'string') return `containing ${preview(body)}`;
  if (body instanceof RegExp) return `matching ${String(body)}`;
  if (isDtoClass(body)) return `valid as ${preview(body)}`;
  if (typeof body === 'function') return `accepted by ${preview(body)}`;
  return `with JSON matching ${preview(body)}`;
}

async function bodyProblem(text: string, body: BodyMatcher | undefined): Promise<string | undefined> {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return text.includes(body) ? undefined : 'a body without that text';
  if (body instanceof RegExp) return matchesText(body, text) ? undefined : 'a body that does not match';
  if (typeof body === 'function' && !isDtoClass(body)) {
    return (body as (text: string) => boolean)(text) ? undefined : 'a body the predicate rejected';
  }
  const verdict = await checkJson(text, body, false);
  return verdict.ok ? undefined : `a body that ${verdict.problem}`;
}
