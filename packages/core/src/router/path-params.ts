/**
 * Path parameters read from a route path literal at the type level. See docs/routing.md.
 *
 * Mirrors `parsePathPattern` in path-pattern.ts: `{name}`, `:name` and `{*name}` each give a
 * property `name`; an anonymous `*` tail gives the property `'*'`. Names are not validated
 * here; the runtime parser rejects bad ones when the route is registered.
 */

/** The parameter name one path segment declares, or `never`. */
type SegmentParam<S extends string> = S extends `{*${infer N}}` ? N : S extends `{${infer N}}` ? N : S extends `:${infer N}` ? N : S extends '*' ? '*' : never;

/** Tail-recursive walk over the segments of `P`, collecting names in `Acc`. */
type CollectParams<P extends string, Acc extends string = never> = P extends `${infer Head}/${infer Rest}`
  ? CollectParams<Rest, Acc | SegmentParam<Head>>
  : Acc | SegmentParam<P>;

/**
 * The union of parameter names in a route path literal; `string` when the path is not a literal.
 *
 * @example
 * ```ts
 * type N = PathParamNames<'/rooms/{room_id}/files/*'>; // 'room_id' | '*'
 * ```
 */
export type PathParamNames<P extends string> = string extends P ? string : CollectParams<P>;

/**
 * The params object of a route path literal: one `string` property per `{name}`, `:name` or
 * `{*name}`, the property `'*'` for an anonymous `*` tail, `{}` when there are none, and
 * `Record<string, string>` when the path is a plain `string`. Distributes over unions.
 *
 * @example
 * ```ts
 * type P = PathParams<'/rooms/{room_id}/users/:id'>; // { room_id: string; id: string }
 * type W = PathParams<'/static/*'>;                  // { '*': string }
 * ```
 */
export type PathParams<P extends string> = P extends string ? (string extends P ? Record<string, string> : { [K in CollectParams<P>]: string }) : never;

/**
 * `true` when the route path literal `P` declares the parameter `K`, else `false`. Always
 * `true` for a plain `string` path, whose parameters are unknown until run time.
 *
 * @example
 * ```ts
 * type Yes = HasPathParam<'/users/:id', 'id'>;   // true
 * type No = HasPathParam<'/users/:id', 'name'>;  // false
 * ```
 */
export type HasPathParam<P extends string, K extends string> = string extends P ? true : [K] extends [CollectParams<P>] ? true : false;
