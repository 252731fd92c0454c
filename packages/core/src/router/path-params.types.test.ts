// Compile-time tests: this file passes by compiling. Each `Expect<Equal<...>>` fails the build
// when the inferred type drifts, and each `@ts-expect-error` fails it when the error goes away.
import type { HasPathParam, PathParamNames, PathParams } from './path-params.js';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Cases = [
  // Each syntax, alone and mixed.
  Expect<Equal<PathParams<'/rooms/{room_id}'>, { room_id: string }>>,
  Expect<Equal<PathParams<'/users/:id'>, { id: string }>>,
  Expect<Equal<PathParams<'/files/{*rest}'>, { rest: string }>>,
  Expect<Equal<PathParams<'/static/*'>, { '*': string }>>,
  Expect<Equal<PathParams<'/a/{x}/b/:y/{*z}'>, { x: string; y: string; z: string }>>,
  Expect<Equal<PathParams<'/{first}'>, { first: string }>>,
  Expect<Equal<PathParams<'/:first/'>, { first: string }>>,
  Expect<Equal<PathParams<'/*'>, { '*': string }>>,
  // No parameters.
  Expect<Equal<PathParams<'/'>, {}>>,
  Expect<Equal<PathParams<'/health/live'>, {}>>,
  Expect<Equal<PathParams<'/v1/models/gpt:generate'>, {}>>,
  Expect<Equal<PathParams<'/file-{id}.txt'>, {}>>,
  // Not a literal: any name may be present.
  Expect<Equal<PathParams<string>, Record<string, string>>>,
  Expect<Equal<PathParamNames<string>, string>>,
  // Unions distribute.
  Expect<Equal<PathParams<'/a/{x}' | '/b/:y'>, { x: string } | { y: string }>>,
  // Names.
  Expect<Equal<PathParamNames<'/rooms/{room_id}/files/*'>, 'room_id' | '*'>>,
  Expect<Equal<PathParamNames<'/health'>, never>>,
  // HasPathParam.
  Expect<Equal<HasPathParam<'/users/:id', 'id'>, true>>,
  Expect<Equal<HasPathParam<'/users/:id', 'name'>, false>>,
  Expect<Equal<HasPathParam<'/users/{id}/{*rest}', 'rest'>, true>>,
  Expect<Equal<HasPathParam<'/users', 'id'>, false>>,
  Expect<Equal<HasPathParam<string, 'anything'>, true>>,
];

// A long literal stays within the compiler's recursion limits (the walk is tail-recursive).
type Long = '/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/{last}';
export type LongCase = Expect<Equal<PathParams<Long>, { last: string }>>;

export const params: PathParams<'/rooms/{room_id}/users/:id'> = { room_id: 'r', id: 'u' };

// @ts-expect-error -- a declared parameter is required.
export const missing: PathParams<'/rooms/{room_id}'> = {};

// @ts-expect-error -- a name the path does not declare is an excess property.
export const extra: PathParams<'/rooms/{room_id}'> = { room_id: 'r', roomId: 'r' };

// @ts-expect-error -- parameter values are strings until a DTO converts them.
export const notString: PathParams<'/users/:id'> = { id: 42 };

// @ts-expect-error -- a static route has no parameters to read.
export const none: PathParams<'/health'>['id'] = 'x';

// @ts-expect-error -- the anonymous tail is named '*', not 'wildcard'.
export const wildcardName: PathParams<'/static/*'> = { wildcard: 'x' };
