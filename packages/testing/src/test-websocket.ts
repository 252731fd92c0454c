import type { DtoClass } from '@kindling/websocket';
import { callSite, failure, indent, preview, previewBytes, type ExpectationError } from './expectations/expectation-error.js';
import { checkJson, describeJsonExpectation, type ExpectJsonOptions } from './expectations/json-expectation.js';
import { describeTextMatcher, matchesText, type TextMatcher } from './expectations/text-match.js';
import { resolveTimeout, type ExpectOptions } from './expectations/timeouts.js';
import { describeClose, describeMessage, previewText, type FrameRecord, type ReceivedMessage, type SocketCloseInfo, type SocketInbox } from './socket-inbox.js';

/** What a test socket drives underneath: a real `ws` client or an in-memory connection. */
export interface SocketTransport {
  sendText(text: string): void;
  sendBinary(data: Uint8Array): void;
  ping(data: Uint8Array): void;
  /** Starts the closing handshake; the inbox is told when it completes. */
  close(code: number, reason: string): void;
  /** Ends the connection without a handshake; the inbox is told at once or soon after. */
  terminate(): void;
}

/** How a {@link TestWebSocket} is put together (by `TestServer.ws` or `testHandler`). */
export interface TestWebSocketInit {
  readonly transport: SocketTransport;
  readonly inbox: SocketInbox;
  /** Where the socket is connected, for failure messages: `ws://…/rooms/lobby`, `/rooms/{room}`. */
  readonly target: string;
  /** The subprotocol the server chose (`''` for none). */
  readonly protocol: string;
  readonly timeoutMs: number;
}

type Next = ReceivedMessage | { readonly outcome: 'closed' | 'timeout' };

const encoder = new TextEncoder();

/**
 * A WebSocket client for tests, with expectations. Frames are queued as they arrive, so none
 * is lost between two expectations; each `expect*` consumes the next message and fails with
 * an {@link ExpectationError} naming what was expected, what arrived, the socket's target and
 * the last frames. Every expectation times out (2 s unless configured). See docs/testing.md.
 *
 * @example
 * ```ts
 * await using ws = await server.ws('/echo');
 * ws.sendText('hi');
 * await ws.expectText('Echo: hi');
 * await ws.close();
 * ```
 */
export class TestWebSocket implements AsyncDisposable {
  /** The subprotocol the server chose (`''` when none was agreed). */
  readonly protocol: string;
  /** Where this socket is connected, as failure messages name it. */
  readonly target: string;
  readonly #transport: SocketTransport;
  readonly #inbox: SocketInbox;
  readonly #timeoutMs: number;

  /** @internal Built by `TestServer.ws` and `testHandler`. */
  constructor(init: TestWebSocketInit) {
    this.#transport = init.transport;
    this.#inbox = init.inbox;
    this.target = init.target;
    this.protocol = init.protocol;
    this.#timeoutMs = init.timeoutMs;
  }

  /** True until the connection has closed. */
  get isOpen(): boolean {
    return this.#inbox.closeInfo === undefined;
  }

  /** How the connection ended, once it has. */
  get closeInfo(): SocketCloseInfo | undefined {
    return this.#inbox.closeInfo;
  }

  /** Messages received and not yet consumed by an expectation. */
  get unread(): number {
    return this.#inbox.pending;
  }

  /** Every frame so far in both directions, oldest first. */
  get history(): readonly FrameRecord[] {
    return this.#inbox.history;
  }

  /** Sends a text frame. Throws if the connection has closed. */
  sendText(text: string): void {
    this.#assertOpen('sendText');
    this.#inbox.recordSent('text', previewText(text));
    this.#transport.sendText(text);
  }

  /** Sends `JSON.stringify(value)` as a text frame. */
  sendJson(value: unknown): void {
    this.sendText(JSON.stringify(value));
  }

  /** Sends a binary frame. */
  sendBinary(data: Uint8Array | ArrayBuffer): void {
    this.#assertOpen('sendBinary');
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    this.#inbox.recordSent('binary', previewBytes(bytes));
    this.#transport.sendBinary(bytes);
  }

  /** Sends a ping; the server's pong is awaited with {@link TestWebSocket.expectPong}. */
  ping(data: string | Uint8Array = new Uint8Array(0)): void {
    this.#assertOpen('ping');
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.#inbox.recordSent('ping', bytes.byteLength ? previewBytes(bytes) : '');
    this.#transport.ping(bytes);
  }

  /** Resolves with the next message, whatever it is; fails on close or timeout. */
  async nextMessage(options?: ExpectOptions): Promise<ReceivedMessage> {
    const site = callSite();
    const next = await this.#next(options);
    if ('outcome' in next) throw this.#fail(site, 'nextMessage', 'a message', next, options);
    return next;
  }

  /** Consumes the next message and fails unless `predicate` accepts it. */
  async expectMessage(predicate: (message: ReceivedMessage) => boolean, options?: ExpectOptions): Promise<ReceivedMessage> {
    const site = callSite();
    const expected = `a message accepted by ${preview(predicate)}`;
    const next = await this.#next(options);
    if ('outcome' in next || !predicate(next)) throw this.#fail(site, 'expectMessage', expected, next, options);
    return next;
  }

  /** Consumes the next message: a text frame equal to, matching or accepted by `matcher`. */
  async expectText(matcher: TextMatcher, options?: ExpectOptions): Promise<string> {
    const site = callSite();
    const expected = describeTextMatcher(matcher);
    const next = await this.#next(options);
    if ('outcome' in next || next.type !== 'text' || !matchesText(matcher, next.text)) {
      throw this.#fail(site, 'expectText', expected, next, options);
    }
    return next.text;
  }

  /**
   * Consumes the next message: a text frame holding JSON that matches `expected` — partially
   * (only the keys named), exactly (`{ exact: true }`), or as a valid DTO instance (pass the
   * class; resolves with the instance). With no argument, any JSON passes.
   *
   * @example
   * ```ts
   * await ws.expectJson({ type: 'joined' });           // extra keys are fine
   * const ev = await ws.expectJson(ChatEvent);          // validated instance
   * await ws.expectJson({ id: /^[0-9a-f-]{36}$/ });     // RegExp and predicate leaves
   * ```
   */
  expectJson<T extends object>(dto: DtoClass<T>, options?: ExpectJsonOptions): Promise<T>;
  expectJson<T = unknown>(expected?: unknown, options?: ExpectJsonOptions): Promise<T>;
  async expectJson(expected?: unknown, options: ExpectJsonOptions = {}): Promise<unknown> {
    const site = callSite();
    const next = await this.#next(options);
    if ('outcome' in next || next.type !== 'text') {
      throw this.#fail(site, 'expectJson', describeJsonExpectation(expected, options.exact ?? false), next, options);
    }
    const verdict = await checkJson(next.text, expected, options.exact ?? false);
    if (!verdict.ok) throw this.#fail(site, 'expectJson', verdict.expected, next, options, verdict.problem);
    return verdict.value;
  }

  /** Consumes the next message: a binary frame, equal to `expected` bytes or accepted by it. */
  async expectBinary(expected?: Uint8Array | ((data: Uint8Array) => boolean), options?: ExpectOptions): Promise<Uint8Array> {
    const site = callSite();
    const wanted =
      expected === undefined
        ? 'a binary message'
        : `a binary message ${typeof expected === 'function' ? `accepted by ${preview(expected)}` : `equal to ${previewBytes(expected)}`}`;
    const next = await this.#next(options);
    const ok =
      !('outcome' in next) &&
      next.type === 'binary' &&
      (expected === undefined || (typeof expected === 'function' ? expected(next.data) : Buffer.compare(next.data, expected) === 0));
    if (!ok) throw this.#fail(site, 'expectBinary', wanted, next, options);
    return (next as Extract<ReceivedMessage, { type: 'binary' }>).data;
  }

  /**
   * Fails if a message is waiting or arrives within `ms`. A close meanwhile is not a message
   * and passes.
   * @param ms How long to watch. @default 100
   */
  async expectNoMessage(ms = 100): Promise<void> {
    const site = callSite();
    const deadline = performance.now() + resolveTimeout(ms, 100);
    for (;;) {
      const waiting = this.#inbox.takeMessage();
      if (waiting) throw this.#fail(site, 'expectNoMessage', `no message within ${ms} ms`, waiting);
      const left = deadline - performance.now();
      if (this.#inbox.closeInfo || left <= 0) return;
      await this.#inbox.changed(left);
    }
  }

  /** Waits for the server's pong (to a {@link TestWebSocket.ping}); resolves with its payload. */
  async expectPong(options?: ExpectOptions): Promise<Uint8Array> {
    const site = callSite();
    const deadline = performance.now() + resolveTimeout(options?.timeoutMs, this.#timeoutMs);
    for (;;) {
      const pong = this.#inbox.takePong();
      if (pong) return pong;
      if (this.#inbox.closeInfo) throw this.#fail(site, 'expectPong', 'a pong', { outcome: 'closed' }, options);
      const left = deadline - performance.now();
      if (left <= 0) throw this.#fail(site, 'expectPong', 'a pong', { outcome: 'timeout' }, options);
      await this.#inbox.changed(left);
    }
  }

  /**
   * Closes from the test side and resolves with the close as completed: the server's answer,
   * or 1006 when it did not answer in time (the socket is then terminated).
   */
  async close(code = 1000, reason = '', options?: ExpectOptions): Promise<SocketCloseInfo> {
    if (this.#inbox.closeInfo) return this.#inbox.closeInfo;
    this.#inbox.recordSent('close', describeClose({ code, reason }));
    this.#transport.close(code, reason);
    const closed = await this.#waitClosed(resolveTimeout(options?.timeoutMs, this.#timeoutMs));
    if (closed) return closed;
    this.terminate();
    return this.#inbox.closeInfo ?? { code: 1006, reason: '' };
  }

  /**
   * Waits until the server closes the connection and checks its code and reason (a string
   * must be equal, a RegExp must match). Unread messages do not fail it.
   *
   * @example
   * ```ts
   * await ws.expectClosed(4403, /not your room/);
   * ```
   */
  async expectClosed(code?: number, reason?: string | RegExp, options?: ExpectOptions): Promise<SocketCloseInfo> {
    const site = callSite();
    const wanted = `the connection to close${code === undefined ? '' : ` with ${code}`}${reason === undefined ? '' : ` and reason ${preview(reason)}`}`;
    const closed = await this.#waitClosed(resolveTimeout(options?.timeoutMs, this.#timeoutMs));
    if (!closed) throw this.#fail(site, 'expectClosed', wanted, { outcome: 'timeout' }, options, this.#unreadNote());
    const reasonOk = reason === undefined || (typeof reason === 'string' ? closed.reason === reason : matchesText(reason, closed.reason));
    if ((code !== undefined && closed.code !== code) || !reasonOk) {
      throw this.#fail(site, 'expectClosed', wanted, { outcome: 'closed' }, options, this.#unreadNote());
    }
    return closed;
  }

  /** Ends the connection at once, without a closing handshake. */
  terminate(): void {
    if (!this.#inbox.closeInfo) this.#transport.terminate();
  }

  /** `await using ws = ...` closes the socket (1000) at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close(1000, '', { timeoutMs: Math.min(this.#timeoutMs, 1000) });
  }

  async #next(options: ExpectOptions | undefined): Promise<Next> {
    const deadline = performance.now() + resolveTimeout(options?.timeoutMs, this.#timeoutMs);
    for (;;) {
      const message = this.#inbox.takeMessage();
      if (message) return message;
      if (this.#inbox.closeInfo) return { outcome: 'closed' };
      const left = deadline - performance.now();
      if (left <= 0) return { outcome: 'timeout' };
      await this.#inbox.changed(left);
    }
  }

  async #waitClosed(timeoutMs: number): Promise<SocketCloseInfo | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (!this.#inbox.closeInfo) {
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await this.#inbox.changed(left);
    }
    return this.#inbox.closeInfo;
  }

  #fail(site: Error, method: string, expected: string, got: Next, options?: ExpectOptions, detail?: string): ExpectationError {
    const timeoutMs = resolveTimeout(options?.timeoutMs, this.#timeoutMs);
    const close = this.#inbox.closeInfo;
    const received = !('outcome' in got)
      ? describeMessage(got)
      : got.outcome === 'timeout'
        ? `nothing within ${timeoutMs} ms`
        : close
          ? `close ${describeClose(close)}`
          : 'the connection closed';
    const lines = [`${method} failed on ${this.target}`, `  expected: ${expected}`, `  received: ${received}`];
    if (detail) lines.push(indent(detail, 4));
    lines.push('  last frames:', indent(this.#inbox.describeRecent(), 4));
    lines.push(`  connection: ${close ? `closed ${describeClose(close)}` : 'open'}`);
    return failure(site, lines.join('\n'));
  }

  #unreadNote(): string | undefined {
    const n = this.#inbox.pending;
    return n === 0 ? undefined : `(${n} unread message${n === 1 ? '' : 's'}, next: ${describeMessage(this.#inbox.peekMessage() as ReceivedMessage)})`;
  }

  #assertOpen(method: string): void {
    const close = this.#inbox.closeInfo;
    if (close) throw new Error(`${method}() on ${this.target}: the connection is closed (${describeClose(close)})`);
  }
}
