import type { WebSocketConnection } from '@kindling/websocket';
import type { AnyExtractor, Extractor, ExtractorSource } from '../extract/extractor.js';
import type { InferredPathParams, PathExtractor } from '../extract/path.js';
import type { HandlerResult } from '../response/response.js';
import type { PathParams } from './path-params.js';

declare const kindlingTypeError: unique symbol;

/**
 * A compile-time error carried in a parameter type, so misuse reads as a sentence in the
 * compiler's message (for example `Json() must be the last extractor`).
 */
export interface KindlingTypeError<TMessage extends string> {
  readonly [kindlingTypeError]: TMessage;
}

/** The most extractors one route may declare. */
export type MaxExtractors = 7;

type ValueOf<E, P extends string> = E extends Extractor<infer T, ExtractorSource> ? ([T] extends [InferredPathParams] ? PathParams<P> : T) : never;

/**
 * The handler's leading parameters: one per extractor, in order, with `Path()` resolved
 * against the route's path literal.
 */
export type ExtractedArgs<Es extends readonly AnyExtractor[], P extends string> = {
  -readonly [K in keyof Es]: ValueOf<Es[K], P>;
};

type HasBody<Es extends readonly unknown[]> = Es extends readonly [infer Head, ...infer Rest]
  ? Head extends Extractor<unknown, 'body'>
    ? true
    : HasBody<Rest>
  : false;

type MissingPathKeys<Es extends readonly unknown[], P extends string> = Es extends readonly [infer Head, ...infer Rest]
  ? (Head extends PathExtractor<unknown, infer Keys> ? Exclude<Keys, keyof PathParams<P>> : never) | MissingPathKeys<Rest, P>
  : never;

type TooMany<Es extends readonly unknown[]> = Es extends readonly [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, ...unknown[]]
  ? true
  : false;

/** `unknown` when the extractor list is valid for the route; a {@link KindlingTypeError} otherwise. */
export type CheckExtractors<Es extends readonly AnyExtractor[], P extends string, TKind extends 'http' | 'websocket'> =
  TooMany<Es> extends true
    ? KindlingTypeError<'A route takes at most seven extractors'>
    : [MissingPathKeys<Es, P>] extends [never]
      ? TKind extends 'websocket'
        ? HasBody<Es> extends true
          ? KindlingTypeError<'Json() reads an HTTP body and cannot be used on a WebSocket route (upgrades are GET requests)'>
          : unknown
        : Es extends readonly [...infer Init, unknown]
          ? HasBody<Init> extends true
            ? KindlingTypeError<'Json() must be the last extractor: the body can be read only once, after the others'>
            : unknown
          : unknown
      : KindlingTypeError<`Path parameter "${MissingPathKeys<Es, P> & string}" is not in the route path "${P}"`>;

/** An HTTP handler: one parameter per extractor. */
export type HttpHandler<Es extends readonly AnyExtractor[], P extends string> = (...args: ExtractedArgs<Es, P>) => HandlerResult | Promise<HandlerResult>;

/** A WebSocket handler: one parameter per extractor, then the connection. */
export type WebSocketHandler<Es extends readonly AnyExtractor[], P extends string> = (...args: [...ExtractedArgs<Es, P>, WebSocketConnection]) => unknown;
