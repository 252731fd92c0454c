import type { EngineRequest as HttpRequest, EngineResponse as HttpResponse } from '../engine/engine.js';
import type { Logger } from 'pino';
import { HeadersTooLarge, MalformedUri, MethodNotAllowed, PayloadTooLarge, RouteNotFound, ServerDraining, UpgradeRequired } from '../errors/rejections.js';
import { isPromise, runExtractors } from '../extract/extractor.js';
import { runMiddleware } from '../middleware.js';
import { BodyReader, RequestAborted } from '../request/body.js';
import { readBodyFraming, type BodyFraming } from '../request/body-framing.js';
import { RequestContext, type SharedContext } from '../request/request-context.js';
import { resolveRequestId } from '../request/request-id.js';
import { LazyRequestParts, type CopiedRequestParts, type RequestParts } from '../request/request-parts.js';
import { errorToResponse } from '../response/error-response.js';
import { Response, TEXT_TYPE, toResponse, type HandlerResult } from '../response/response.js';
import { writeResponse, writeText, type WriteOptions } from '../response/write-response.js';
import type { CompiledHttpRoute, CompiledRoutes } from '../router/compiled-routes.js';
import type { Lifecycle } from '../server/lifecycle.js';
import { checkHandshake } from '../upgrade/handshake.js';

/** Limits applied to every HTTP request. */
export interface HttpLimits {
  /** Largest request body in bytes; a larger one is answered 413 and not read further. @default 1 MiB */
  readonly bodyLimit: number;
  /** Largest total size of request header names and values in bytes (431 past it). @default 16 KiB */
  readonly maxHeaderBytes: number;
}

/** Serves plain HTTP requests: routing, body, middleware, extractors, handler, response, log. */
export class HttpPipeline {
  readonly #routes: CompiledRoutes<unknown>;
  readonly #log: Logger;
  readonly #limits: HttpLimits;
  readonly #lifecycle: Lifecycle;

  constructor(routes: CompiledRoutes<unknown>, log: Logger, limits: HttpLimits, lifecycle: Lifecycle) {
    this.#routes = routes;
    this.#log = log;
    this.#limits = limits;
    this.#lifecycle = lifecycle;
  }

  /**
   * The uWS `any('/*')` callback. A request answered before it returns (a synchronous handler)
   * allocates no closure and registers no abort handler: nothing can outlive the callback.
   */
  readonly handle = (res: HttpResponse, req: HttpRequest): void => {
    const parts = new LazyRequestParts(req, res);
    const exchange = new Exchange(res, parts, this.#log, this.#lifecycle);
    this.#lifecycle.requestStarted();
    try {
      this.#route(exchange, parts);
    } catch (err) {
      exchange.finish(errorToResponse(err, this.#log), '');
    }
    if (!exchange.done) exchange.goAsync();
  };

  #route(exchange: Exchange, parts: CopiedRequestParts): void {
    if (this.#lifecycle.refuses(parts.path)) return exchange.finish(errorToResponse(new ServerDraining(), this.#log), '');
    if (parts.headerBytes > this.#limits.maxHeaderBytes) {
      return exchange.finish(errorToResponse(new HeadersTooLarge(this.#limits.maxHeaderBytes), this.#log), '', true);
    }
    let framing: BodyFraming;
    try {
      framing = readBodyFraming(parts.headers);
    } catch (err) {
      return exchange.refuseNextTurn(errorToResponse(err, this.#log));
    }
    const match = this.#routes.http.match(parts.method, parts.path);
    if (match.kind !== 'found')
      return this.#unmatched(exchange, parts, match.kind === 'method-not-allowed' ? match.allow : undefined, match.kind === 'malformed');
    const route = match.value;
    const body = this.#startBody(exchange, framing);
    if (body === 'rejected') return;
    exchange.route = route.pattern;
    if (route.middleware.length === 0 && route.extractors.length === 0) {
      // Nothing can see a RequestContext: do not build one.
      const result = route.handler() as HandlerResult | Promise<HandlerResult>;
      if (isPromise(result)) return exchange.settle(result, route.pattern);
      return exchange.finish(result, route.pattern);
    }
    const ctx = exchange.context(route.shared, body);
    ctx.params = match.params;
    ctx.route = route.pattern;
    if (route.middleware.length > 0) {
      return exchange.settle(
        runMiddleware(route.middleware, ctx, async () => toResponse(await invoke(route, ctx))),
        route.pattern,
      );
    }
    const result = invoke(route, ctx);
    if (isPromise(result)) return exchange.settle(result, route.pattern);
    exchange.finish(result, route.pattern);
  }

  /** No HTTP route matched: 405, 426 for a WebSocket-only path, 400 for a bad escape, or 404 — after root middleware. */
  #unmatched(exchange: Exchange, parts: RequestParts, allow: readonly string[] | undefined, malformed: boolean): void {
    const rejection = (): Response => {
      if (malformed) return errorToResponse(new MalformedUri('path', parts.path), this.#log);
      if (allow) return errorToResponse(new MethodNotAllowed(parts.method, allow), this.#log);
      if (this.#routes.websocket.match('GET', parts.path).kind === 'found') return errorToResponse(webSocketOnly(parts), this.#log);
      return errorToResponse(new RouteNotFound(parts.method, parts.path), this.#log);
    };
    const root = this.#routes.root;
    if (root.middleware.length === 0) return exchange.finish(rejection(), '');
    const ctx = exchange.context(root.shared, undefined);
    exchange.settle(
      runMiddleware(root.middleware, ctx, async () => rejection()),
      '',
    );
  }

  #startBody(exchange: Exchange, framing: BodyFraming): BodyReader | undefined | 'rejected' {
    if (framing === 'none') return undefined;
    const limit = this.#limits.bodyLimit;
    if (framing !== 'chunked' && framing > limit) {
      // Answer at once and close: reading a body we will refuse wastes the limit's worth of bandwidth.
      exchange.finish(errorToResponse(new PayloadTooLarge(limit), this.#log), '', true);
      return 'rejected';
    }
    const reader = new BodyReader(exchange.res, limit, (err) => exchange.corked(() => exchange.finish(errorToResponse(err, this.#log), exchange.route, true)));
    exchange.body = reader;
    if (framing === 'chunked') exchange.chunkedBody = reader;
    return reader;
  }
}

function invoke(route: CompiledHttpRoute, ctx: RequestContext): HandlerResult | Promise<HandlerResult> {
  if (route.extractors.length === 0) return route.handler() as HandlerResult | Promise<HandlerResult>;
  const values = runExtractors(route.extractors, ctx);
  if (isPromise(values)) return values.then((args) => route.handler(...args) as HandlerResult);
  return route.handler(...values) as HandlerResult | Promise<HandlerResult>;
}

/**
 * Why a request for a WebSocket route did not reach the upgrade handler: uWS sends only GET
 * requests with a `Sec-WebSocket-Key` there, so the rest arrive here as plain HTTP — answered
 * with the same statuses the upgrade step gives (426 for a plain GET without `Upgrade`).
 */
function webSocketOnly(parts: RequestParts): Error {
  try {
    checkHandshake(parts);
  } catch (err) {
    return err as Error;
  }
  return new UpgradeRequired();
}

function ignoreAbort(): void {}

/** A body read failed: the overflow already answered 413, an abort needs no answer. */
function answeredElsewhere(): void {}

/** One request/response exchange: tracks abort and completion, writes exactly once, logs once. */
class Exchange {
  aborted = false;
  done = false;
  route = '';
  body: BodyReader | undefined = undefined;
  /**
   * The body when it is chunked: its length is known only once it ended, so the response waits
   * for the last chunk (or is a 413 when it passes `bodyLimit`), whether or not the handler read it.
   */
  chunkedBody: BodyReader | undefined = undefined;
  readonly requestId: string;
  /** `performance.now()` at the start, or -1 when `http.request` lines are not logged and metrics are off. */
  readonly started: number;
  #ctx: RequestContext | undefined = undefined;
  #watching = false;

  constructor(
    readonly res: HttpResponse,
    readonly parts: LazyRequestParts,
    readonly log: Logger,
    readonly lifecycle: Lifecycle,
  ) {
    // Debug (aborted requests) is below info: when info is off, neither line is written.
    this.started = log.isLevelEnabled('info') || log.isLevelEnabled('debug') || lifecycle.observer !== undefined ? performance.now() : -1;
    this.requestId = resolveRequestId(parts.headers['x-request-id']);
  }

  context(shared: SharedContext, body: BodyReader | undefined): RequestContext {
    return (this.#ctx ??= new RequestContext(this.parts, shared, { isUpgrade: false, requestId: this.requestId, logger: this.log, ...(body ? { body } : {}) }));
  }

  /**
   * The uWS callback is about to return with the response still to come: register the abort
   * handler (uWS requires one) and read what user code may still ask for from the response.
   */
  goAsync(): void {
    if (this.#ctx !== undefined) this.parts.pin();
    this.#watching = true;
    this.res.onAborted(() => this.abort());
  }

  abort(): void {
    if (this.aborted || this.done) return;
    this.aborted = true;
    this.parts.release();
    this.body?.abort();
    this.#complete(0, 'aborted');
  }

  /** Awaits an async result and writes it, corked, unless the client went away meanwhile. */
  settle(result: Promise<unknown>, route: string): void {
    result.then(
      (value) => this.corked(() => this.finish(value as HandlerResult, route)),
      (err: unknown) => {
        if (err instanceof RequestAborted) return;
        this.corked(() => this.finish(errorToResponse(err, this.#ctx?.log ?? this.log), route));
      },
    );
  }

  finish(result: HandlerResult, route: string, close = false): void {
    if (this.done || this.aborted) return;
    const chunked = this.chunkedBody;
    if (chunked !== undefined && !chunked.settled && !close) {
      // An overflow answers 413 through `finish(..., true)` meanwhile; an abort ends it silently.
      chunked.bytes().then(() => this.corked(() => this.finish(result, route)), answeredElsewhere);
      return;
    }
    this.done = true;
    this.route = route;
    // A RequestContext may outlive the response (kept by a middleware or extractor).
    if (this.#ctx !== undefined) this.parts.pin();
    this.parts.release();
    const options: WriteOptions = { head: this.parts.method === 'HEAD', close: close || this.lifecycle.draining };
    // uWS v20.30 does not count `endWithoutBody(length)` as an answer and aborts the process
    // when the callback returns without one or an abort handler.
    if (options.head && !this.#watching) this.res.onAborted(ignoreAbort);
    if (typeof result === 'string') {
      writeText(this.res, result, TEXT_TYPE, this.requestId, options);
      return this.#complete(200);
    }
    let response: Response;
    try {
      response = toResponse(result);
    } catch (err) {
      response = errorToResponse(err, this.log);
    }
    writeResponse(this.res, response, this.requestId, options);
    this.#complete(response.status);
  }

  /**
   * Answers on the next turn of the event loop and closes the connection: where this request's
   * body ends, and so where the next request starts, is unknown. Inside its callback uWS is
   * still parsing the bytes the request came in; answered there, uWS would go on to serve a
   * request pipelined behind it and drop the close. From the next turn the close holds, and a
   * request that arrives first makes uWS abort the connection (no answer, nothing served).
   */
  refuseNextTurn(response: Response): void {
    setImmediate(() => this.corked(() => this.finish(response, '', true)));
  }

  /** Runs a write inside `res.cork()` unless the exchange is already over. */
  corked(write: () => void): void {
    if (this.aborted || this.done) return;
    this.res.cork(write);
  }

  #complete(status: number, outcome?: 'aborted'): void {
    this.lifecycle.requestFinished();
    if (this.started < 0) return;
    const elapsed = performance.now() - this.started;
    this.lifecycle.observer?.request(this.route, this.parts.method, status, elapsed);
    const durationMs = Math.round(elapsed * 1000) / 1000;
    const fields = {
      event: 'http.request',
      method: this.parts.method,
      path: this.parts.path,
      route: this.route,
      status,
      durationMs,
      requestId: this.requestId,
    };
    if (outcome === 'aborted') this.log.debug({ ...fields, aborted: true }, 'http.request');
    else this.log.info(fields, 'http.request');
  }
}
