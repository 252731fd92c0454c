import type { EngineRequest as HttpRequest, EngineResponse as HttpResponse } from '../engine/engine.js';
import type { Logger } from 'pino';
import {
  idText,
  runHandler,
  serialBytes,
  toKindlingError,
  type ConnectionOptions,
  type IdSource,
  type SocketUserData,
  type WebSocketConnection,
} from '@kindling/websocket';
import { HeadersTooLarge, InvalidHandshake, MalformedUri, RouteNotFound, ServerDraining } from '../errors/rejections.js';
import { isPromise } from '../extract/extractor.js';
import { readBodyFraming } from '../request/body-framing.js';
import type { RequestContext } from '../request/request-context.js';
import { resolveRequestIdSource } from '../request/request-id.js';
import { readRequestParts, type CopiedRequestParts, type RequestParts } from '../request/request-parts.js';
import { errorToResponse } from '../response/error-response.js';
import type { Response } from '../response/response.js';
import { writeResponse } from '../response/write-response.js';
import type { CompiledRoutes, CompiledWebSocketRoute } from '../router/compiled-routes.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import type { Lifecycle } from '../server/lifecycle.js';
import { checkHandshake } from './handshake.js';
import type { IpLimits, RouteIpLimits } from './ip-limits.js';
import { decideUpgrade, type UpgradeDecision } from './upgrade-decision.js';

/** A WebSocket route's options after merging with the app defaults. */
export interface ResolvedWebSocketOptions extends WebSocketRouteOptions {
  readonly connection: ConnectionOptions;
  /** `connectionsPerIp` / `upgradesPerMinute` with their counting scope; undefined when neither is set. */
  readonly ipLimits: RouteIpLimits | undefined;
}

type WsRoute = CompiledWebSocketRoute<ResolvedWebSocketOptions>;

// Encoded once: uWS copies bytes as they are, where a string must be measured and encoded.
const SWITCHING_PROTOCOLS = new TextEncoder().encode('101 Switching Protocols').buffer;
const REQUEST_ID = new TextEncoder().encode('x-request-id').buffer;

/**
 * The upgrade pipeline (docs/websocket.md): copy the request out of uWS, register `onAborted`,
 * check the drain state, the header size, the handshake, origin and per-address limits, run middleware and
 * extractors, then either answer with the rejection (never a 101) or upgrade with the
 * extracted values.
 */
export class UpgradePipeline {
  readonly #routes: CompiledRoutes<ResolvedWebSocketOptions>;
  readonly #log: Logger;
  readonly #lifecycle: Lifecycle;
  readonly #ipLimits: IpLimits;
  readonly #maxHeaderBytes: number;

  /** @param maxHeaderBytes the app's `maxHeaderBytes`: larger upgrade requests are a 431 */
  constructor(routes: CompiledRoutes<ResolvedWebSocketOptions>, log: Logger, lifecycle: Lifecycle, ipLimits: IpLimits, maxHeaderBytes: number) {
    this.#routes = routes;
    this.#log = log;
    this.#lifecycle = lifecycle;
    this.#ipLimits = ipLimits;
    this.#maxHeaderBytes = maxHeaderBytes;
  }

  /** The uWS `upgrade` callback. */
  readonly handle = (res: HttpResponse, req: HttpRequest, context: unknown): void => {
    const parts = readRequestParts(req, res);
    const attempt = new UpgradeAttempt(res, parts, context, this.#log, this.#lifecycle);
    res.onAborted(() => attempt.abort());
    this.#lifecycle.requestStarted();
    try {
      this.#run(attempt, parts);
    } catch (err) {
      attempt.reject(err);
    }
  };

  #run(attempt: UpgradeAttempt, parts: CopiedRequestParts): void {
    if (this.#lifecycle.draining) throw new ServerDraining();
    if (parts.headerBytes > this.#maxHeaderBytes) throw new HeadersTooLarge(this.#maxHeaderBytes);
    try {
      // After a 101 the bytes that follow the head are WebSocket frames: a body would be read as them.
      if (readBodyFraming(parts.headers) !== 'none') throw new InvalidHandshake('an upgrade request carries no body');
    } catch (err) {
      return attempt.rejectNextTurn(err);
    }
    const match = this.#routes.websocket.match('GET', parts.path);
    if (match.kind === 'malformed') throw new MalformedUri('path', parts.path);
    if (match.kind !== 'found') throw new RouteNotFound(parts.method, parts.path);
    const route = match.value;
    attempt.route = route.pattern;
    checkHandshake(parts);
    const limits = route.options.ipLimits;
    if (limits !== undefined) {
      // Throws the 429 before anything is reserved; from here the attempt owns a slot until
      // it is refused (released) or the connection opens (released when it closes).
      this.#ipLimits.acquire(limits, parts.remoteAddress);
      attempt.holdSlot(this.#ipLimits, limits);
    }
    const decision = decideUpgrade(route, { parts, params: match.params, requestId: attempt.requestIdSource }, this.#log);
    if (!isPromise(decision)) return attempt.conclude(route, decision);
    attempt.settle(decision.then((d) => () => attempt.conclude(route, d)));
  }
}

/** One upgrade request: answers exactly once, never after an abort. */
class UpgradeAttempt {
  route = '';
  /** `performance.now()` at the start when metrics are on, else 0. */
  readonly started: number;
  readonly #requestId: IdSource;
  #aborted = false;
  #done = false;
  #slot: { readonly ipLimits: IpLimits; readonly limits: RouteIpLimits } | undefined;

  constructor(
    readonly res: HttpResponse,
    readonly parts: RequestParts,
    readonly context: unknown,
    readonly log: Logger,
    readonly lifecycle: Lifecycle,
  ) {
    this.#requestId = resolveRequestIdSource(parts.headers['x-request-id']);
    this.started = lifecycle.observer === undefined ? 0 : performance.now();
  }

  /** The request id's text (made when first needed: a rejection or a log line). */
  get requestId(): string {
    return idText(this.#requestId);
  }

  /** The request id as kept, for the connection. */
  get requestIdSource(): IdSource {
    return this.#requestId;
  }

  /** Remembers a per-address connection slot to give back unless the connection opens. */
  holdSlot(ipLimits: IpLimits, limits: RouteIpLimits): void {
    this.#slot = { ipLimits, limits };
  }

  abort(): void {
    if (this.#aborted || this.#done) return;
    this.#aborted = true;
    this.#releaseSlot();
    this.lifecycle.requestFinished();
    this.log.debug({ event: 'ws.upgrade_aborted', route: this.route, path: this.parts.path, requestId: this.requestId }, 'ws.upgrade_aborted');
  }

  /** Waits for async work, then runs the final step corked — unless the client left meanwhile. */
  settle(work: Promise<() => void>): void {
    work.then(
      (finish) => this.#corked(finish),
      (err: unknown) => this.#corked(() => this.reject(err)),
    );
  }

  /** Upgrades or refuses, as decided. */
  conclude(route: WsRoute, decision: UpgradeDecision): void {
    if (decision.accepted) this.accept(route, decision.ctx, decision.values);
    else this.respond(decision.response, decision.code);
  }

  /**
   * Refuses on the next turn of the event loop: the request's body framing is ambiguous, and
   * uWS, still parsing the bytes it came in, would serve a request pipelined behind an answer
   * written now (see the HTTP pipeline's `refuseNextTurn`).
   */
  rejectNextTurn(err: unknown): void {
    setImmediate(() => this.#corked(() => this.reject(err)));
  }

  reject(err: unknown): void {
    const error = toKindlingError(err);
    this.respond(errorToResponse(error, this.log), error.code);
  }

  /** Answers without upgrading; `code` is the error code for the log, when known. */
  respond(response: Response, code?: string): void {
    if (!this.#finish()) return;
    this.#releaseSlot();
    writeResponse(this.res, response, this.requestId, { head: false, close: true });
    this.lifecycle.observer?.upgrade(this.route, response.status, performance.now() - this.started);
    this.log.info({ event: 'ws.reject', status: response.status, code, route: this.route, path: this.parts.path, requestId: this.requestId }, 'ws.reject');
  }

  accept(route: WsRoute, ctx: RequestContext, values: unknown[]): void {
    if (this.lifecycle.draining) return this.reject(new ServerDraining());
    if (!this.#finish()) return;
    const headers = this.parts.headers;
    const extensions = route.options.compression ? (headers['sec-websocket-extensions'] ?? '') : '';
    let opened = false;
    const userData: SocketUserData = {
      init: {
        route: route.pattern,
        remoteAddress: this.parts.remoteAddress,
        protocol: ctx.protocol,
        requestId: this.#requestId,
        data: ctx.localsIfCreated,
        logger: this.log,
        options: route.options.connection,
        start: (conn: WebSocketConnection) => {
          opened = true;
          void runHandler(conn, () => route.handler(...values, conn));
        },
      },
      // Present from the start so adding the connection at open keeps the object's shape.
      connection: undefined,
    };
    try {
      // uWS writes its own status line only when none was written, and keeps headers written
      // before upgrade() in the 101: the client can match the upgrade to `ws.open`/`ws.close`.
      this.res.writeStatus(SWITCHING_PROTOCOLS);
      const id = this.#requestId;
      this.res.writeHeader(REQUEST_ID, typeof id === 'number' ? serialBytes(id) : id);
      // uWS runs `open` (and so `start`) synchronously inside upgrade().
      this.res.upgrade(userData, headers['sec-websocket-key'] ?? '', ctx.protocol, extensions, this.context);
    } finally {
      // An open connection gives its slot back when it closes (the app's hub does that).
      if (opened) this.#slot = undefined;
      else this.#releaseSlot();
    }
    this.lifecycle.observer?.upgrade(route.pattern, 101, performance.now() - this.started);
  }

  #releaseSlot(): void {
    const slot = this.#slot;
    this.#slot = undefined;
    if (slot !== undefined) slot.ipLimits.release(slot.limits, this.parts.remoteAddress);
  }

  #finish(): boolean {
    if (this.#aborted || this.#done) return false;
    this.#done = true;
    this.lifecycle.requestFinished();
    return true;
  }

  #corked(write: () => void): void {
    if (this.#aborted || this.#done) return;
    this.res.cork(write);
  }
}
