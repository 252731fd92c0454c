// The router conformance suite: the matching rules every router implementation must follow,
// written once and run against each implementation by its own *.conformance.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteMatch } from './route-tree.js';

/** The part of a router the conformance suite drives. Values are route labels. */
export interface ConformanceRouter {
  insert(method: string, pattern: string, value: string): void;
  match(method: string, path: string): RouteMatch<string>;
}

/** Creates an empty router with the given trailing-slash policy. */
export type ConformanceRouterFactory = (options: { strictTrailingSlash: boolean }) => ConformanceRouter;

type Routes = ReadonlyArray<readonly [method: string, pattern: string]>;

/**
 * Registers the conformance tests for one router implementation under `describe(name)`.
 *
 * @example
 * ```ts
 * describeRouterConformance('RouteTree', (options) => new RouteTree<string>(options));
 * ```
 */
export function describeRouterConformance(name: string, create: ConformanceRouterFactory): void {
  /** A router holding `routes`, each labelled `'METHOD pattern'`. */
  function router(routes: Routes, strictTrailingSlash = false): ConformanceRouter {
    const r = create({ strictTrailingSlash });
    for (const [method, pattern] of routes) r.insert(method, pattern, `${method} ${pattern}`);
    return r;
  }
  function found(r: ConformanceRouter, method: string, path: string, label: string, params: Record<string, string> = {}): void {
    const [, pattern] = label.split(' ');
    assert.deepEqual(r.match(method, path), { kind: 'found', value: label, params, pattern }, `${method} ${path}`);
  }
  function notFound(r: ConformanceRouter, method: string, path: string): void {
    assert.deepEqual(r.match(method, path), { kind: 'not-found' }, `${method} ${path}`);
  }
  function notAllowed(r: ConformanceRouter, method: string, path: string, allow: string[]): void {
    assert.deepEqual(r.match(method, path), { kind: 'method-not-allowed', allow }, `${method} ${path}`);
  }

  describe(`${name} conformance`, () => {
    describe('static paths', () => {
      const r = router([
        ['GET', '/'],
        ['GET', '/about'],
        ['GET', '/about/team'],
        ['GET', '/v1/models/gpt:generate'],
      ]);
      it('matches the exact path and the root', () => {
        found(r, 'GET', '/', 'GET /');
        found(r, 'GET', '/about', 'GET /about');
        found(r, 'GET', '/about/team', 'GET /about/team');
        found(r, 'GET', '/v1/models/gpt:generate', 'GET /v1/models/gpt:generate');
      });
      it('does not match prefixes, extensions, other cases or non-paths', () => {
        for (const path of ['/abou', '/aboutx', '/About', '/about/team/x', '/about/te', '/v1/models', '', 'about', '*']) {
          notFound(r, 'GET', path);
        }
      });
    });

    describe('parameters', () => {
      const r = router([
        ['GET', '/users/{id}'],
        ['GET', '/rooms/:room/messages/{message_id}'],
        ['GET', '/a/{x}/b'],
      ]);
      it('captures {name} and :name segments', () => {
        found(r, 'GET', '/users/42', 'GET /users/{id}', { id: '42' });
        found(r, 'GET', '/rooms/lobby/messages/7', 'GET /rooms/:room/messages/{message_id}', { room: 'lobby', message_id: '7' });
      });
      it('percent-decodes values, keeping an encoded slash inside the value', () => {
        found(r, 'GET', '/users/a%2Fb', 'GET /users/{id}', { id: 'a/b' });
        found(r, 'GET', '/users/caf%C3%A9', 'GET /users/{id}', { id: 'café' });
        found(r, 'GET', '/users/%F0%9F%94%A5', 'GET /users/{id}', { id: '🔥' });
        found(r, 'GET', '/users/a+b%20c', 'GET /users/{id}', { id: 'a+b c' });
        found(r, 'GET', '/users/%25', 'GET /users/{id}', { id: '%' });
      });
      it('never matches an empty segment or more than one segment', () => {
        notFound(r, 'GET', '/a//b');
        notFound(r, 'GET', '/users/1/2');
        notFound(r, 'GET', '/users');
        notFound(r, 'GET', '/users//');
      });
    });

    describe('precedence and backtracking', () => {
      const routes: Routes = [
        ['GET', '/p/new'],
        ['GET', '/p/{id}'],
        ['GET', '/p/*'],
        ['GET', '/a/b/c'],
        ['GET', '/a/{x}/d'],
        ['GET', '/a/{x}/{y}/z'],
        ['GET', '/a/{*rest}'],
      ];
      for (const [label, order] of [
        ['registration order', routes],
        ['reverse order', [...routes].reverse()],
      ] as const) {
        it(`prefers static, then parameter, then wildcard (${label})`, () => {
          const r = router(order);
          found(r, 'GET', '/p/new', 'GET /p/new');
          found(r, 'GET', '/p/old', 'GET /p/{id}', { id: 'old' });
          found(r, 'GET', '/p/old/x', 'GET /p/*', { '*': 'old/x' });
          found(r, 'GET', '/p', 'GET /p/*', { '*': '' });
        });
        it(`backtracks from a dead-end static branch (${label})`, () => {
          const r = router(order);
          found(r, 'GET', '/a/b/c', 'GET /a/b/c');
          found(r, 'GET', '/a/b/d', 'GET /a/{x}/d', { x: 'b' });
          found(r, 'GET', '/a/b/q/z', 'GET /a/{x}/{y}/z', { x: 'b', y: 'q' });
          found(r, 'GET', '/a/b/c/q', 'GET /a/{*rest}', { rest: 'b/c/q' });
          found(r, 'GET', '/a/b', 'GET /a/{*rest}', { rest: 'b' });
        });
      }
      it('backtracks across several levels', () => {
        const r = router([
          ['GET', '/x/y/z/1'],
          ['GET', '/x/{a}/z/2'],
          ['GET', '/{b}/y/z/3'],
          ['GET', '/{c}/{d}/{e}/4'],
        ]);
        found(r, 'GET', '/x/y/z/1', 'GET /x/y/z/1');
        found(r, 'GET', '/x/y/z/2', 'GET /x/{a}/z/2', { a: 'y' });
        found(r, 'GET', '/x/y/z/3', 'GET /{b}/y/z/3', { b: 'x' });
        found(r, 'GET', '/x/y/z/4', 'GET /{c}/{d}/{e}/4', { c: 'x', d: 'y', e: 'z' });
        notFound(r, 'GET', '/x/y/z/5');
      });
      it('gives each route its own parameter names on a shared branch', () => {
        const r = router([
          ['GET', '/o/{org}/repos'],
          ['GET', '/o/:name/members/{*path}'],
        ]);
        found(r, 'GET', '/o/acme/repos', 'GET /o/{org}/repos', { org: 'acme' });
        found(r, 'GET', '/o/acme/members/x/y', 'GET /o/:name/members/{*path}', { name: 'acme', path: 'x/y' });
      });
    });

    describe('wildcards', () => {
      const r = router([
        ['GET', '/files/{*rest}'],
        ['GET', '/static/*'],
        ['GET', '/files/readme'],
      ]);
      it('captures the rest of the path, decoded per segment', () => {
        found(r, 'GET', '/files/a/b/c.txt', 'GET /files/{*rest}', { rest: 'a/b/c.txt' });
        found(r, 'GET', '/files/caf%C3%A9/x%20y', 'GET /files/{*rest}', { rest: 'café/x y' });
        found(r, 'GET', '/static/js/app.js', 'GET /static/*', { '*': 'js/app.js' });
        found(r, 'GET', '/files/readme', 'GET /files/readme');
        found(r, 'GET', '/files/readme/more', 'GET /files/{*rest}', { rest: 'readme/more' });
      });
      it('matches an empty tail with or without the slash', () => {
        found(r, 'GET', '/files', 'GET /files/{*rest}', { rest: '' });
        found(r, 'GET', '/files/', 'GET /files/{*rest}', { rest: '' });
        found(r, 'GET', '/static', 'GET /static/*', { '*': '' });
      });
      it('keeps empty segments inside the tail', () => {
        found(r, 'GET', '/files/a//b', 'GET /files/{*rest}', { rest: 'a//b' });
      });
      it('can catch every path at the root', () => {
        const root = router([
          ['GET', '/{*all}'],
          ['GET', '/health'],
        ]);
        found(root, 'GET', '/', 'GET /{*all}', { all: '' });
        found(root, 'GET', '/health', 'GET /health');
        found(root, 'GET', '/x/y', 'GET /{*all}', { all: 'x/y' });
      });
    });

    describe('percent-encoding', () => {
      it('compares static segments after decoding', () => {
        const r = router([
          ['GET', '/café'],
          ['GET', '/a%20b'],
          ['GET', '/%3Aliteral'],
        ]);
        found(r, 'GET', '/caf%C3%A9', 'GET /café');
        found(r, 'GET', '/caf%c3%a9', 'GET /café');
        found(r, 'GET', '/café', 'GET /café');
        found(r, 'GET', '/a%20b', 'GET /a%20b');
        found(r, 'GET', '/a b', 'GET /a%20b');
        found(r, 'GET', '/%3aliteral', 'GET /%3Aliteral');
        notFound(r, 'GET', '/cafe');
      });
      it('never splits on an encoded slash', () => {
        const r = router([
          ['GET', '/a/b'],
          ['GET', '/{x}'],
        ]);
        found(r, 'GET', '/a%2Fb', 'GET /{x}', { x: 'a/b' });
      });
      it('reports a malformed escape as malformed, naming the raw segment', () => {
        const r = router([
          ['GET', '/users/{id}'],
          ['GET', '/files/{*rest}'],
          ['GET', '/%3A'],
        ]);
        const cases = [
          ['/users/%zz', '%zz'],
          ['/users/%E0%A4%A', '%E0%A4%A'],
          ['/users/%', '%'],
          ['/users/%C3', '%C3'],
          ['/users/%C3%28', '%C3%28'],
          ['/files/ok/%G1/x', '%G1'],
          ['/%zz/users', '%zz'],
          ['/nowhere/%zz', '%zz'],
        ] as const;
        for (const [path, segment] of cases) {
          assert.deepEqual(r.match('GET', path), { kind: 'malformed', segment }, path);
        }
      });
    });

    describe('methods', () => {
      it('falls back from HEAD to GET unless a HEAD route exists', () => {
        const r = router([
          ['GET', '/a'],
          ['GET', '/b'],
          ['HEAD', '/b'],
        ]);
        found(r, 'HEAD', '/a', 'GET /a');
        found(r, 'HEAD', '/b', 'HEAD /b');
        found(r, 'GET', '/b', 'GET /b');
      });
      it('matches ANY for every method, below an exact method and GET-for-HEAD', () => {
        const r = router([
          ['ANY', '/x'],
          ['POST', '/x'],
          ['GET', '/y'],
          ['ANY', '/y'],
        ]);
        for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD', 'PROPFIND']) found(r, method, '/x', 'ANY /x');
        found(r, 'POST', '/x', 'POST /x');
        found(r, 'HEAD', '/y', 'GET /y');
        found(r, 'DELETE', '/y', 'ANY /y');
      });
      it('searches with the method, so a parameter route can serve a method a static one lacks', () => {
        const r = router([
          ['GET', '/a/b'],
          ['POST', '/a/{x}'],
          ['PUT', '/a/{*rest}'],
        ]);
        found(r, 'POST', '/a/b', 'POST /a/{x}', { x: 'b' });
        found(r, 'PUT', '/a/b', 'PUT /a/{*rest}', { rest: 'b' });
        found(r, 'GET', '/a/b', 'GET /a/b');
      });
      it('answers method-not-allowed with every method matching the path, sorted, HEAD beside GET', () => {
        const r = router([
          ['GET', '/a/b'],
          ['PUT', '/a/{x}'],
          ['POST', '/a/{*rest}'],
          ['DELETE', '/a/c'],
          ['PATCH', '/q'],
        ]);
        notAllowed(r, 'DELETE', '/a/b', ['GET', 'HEAD', 'POST', 'PUT']);
        notAllowed(r, 'GET', '/a/c', ['DELETE', 'POST', 'PUT']);
        notAllowed(r, 'GET', '/a/b/c', ['POST']);
        notAllowed(r, 'HEAD', '/q', ['PATCH']);
        notFound(r, 'GET', '/b');
      });
      it('lists HEAD once when an explicit HEAD route exists, and never lists ANY', () => {
        const r = router([
          ['GET', '/h'],
          ['HEAD', '/h'],
          ['ANY', '/any'],
        ]);
        notAllowed(r, 'POST', '/h', ['GET', 'HEAD']);
        found(r, 'POST', '/any', 'ANY /any');
      });
    });

    describe('trailing slash', () => {
      it('ignores one trailing slash by default', () => {
        const r = router([
          ['GET', '/a'],
          ['GET', '/b/'],
          ['GET', '/c/{id}'],
        ]);
        found(r, 'GET', '/a/', 'GET /a');
        found(r, 'GET', '/b', 'GET /b/');
        found(r, 'GET', '/b/', 'GET /b/');
        found(r, 'GET', '/c/1/', 'GET /c/{id}', { id: '1' });
        notFound(r, 'GET', '/a//');
        assert.throws(() => r.insert('GET', '/a/', 'again'), /'\/a\/'.*'\/a'/);
      });
      it('keeps /a/ and /a apart when strict', () => {
        const r = router(
          [
            ['GET', '/a'],
            ['GET', '/a/'],
            ['GET', '/b/'],
            ['GET', '/c'],
            ['GET', '/d/{id}'],
          ],
          true,
        );
        found(r, 'GET', '/a', 'GET /a');
        found(r, 'GET', '/a/', 'GET /a/');
        found(r, 'GET', '/b/', 'GET /b/');
        notFound(r, 'GET', '/b');
        notFound(r, 'GET', '/c/');
        notFound(r, 'GET', '/d/1/');
        found(r, 'GET', '/d/1', 'GET /d/{id}', { id: '1' });
      });
      for (const strict of [false, true]) {
        it(`treats the root and empty wildcard tails alike (strict: ${strict})`, () => {
          const r = router(
            [
              ['GET', '/'],
              ['GET', '/files/{*rest}'],
            ],
            strict,
          );
          found(r, 'GET', '/', 'GET /');
          found(r, 'GET', '/files', 'GET /files/{*rest}', { rest: '' });
          found(r, 'GET', '/files/', 'GET /files/{*rest}', { rest: '' });
          found(r, 'GET', '/files/x/', 'GET /files/{*rest}', { rest: strict ? 'x/' : 'x' });
        });
      }
    });

    describe('conflicts', () => {
      it('rejects one method twice on the same shape, naming both paths', () => {
        const pairs = [
          ['/a/{x}', '/a/:y'],
          ['/f/*', '/f/{*rest}'],
          ['/s', '/s'],
          ['/caf%C3%A9', '/café'],
        ] as const;
        for (const [first, second] of pairs) {
          const r = router([['GET', first]]);
          assert.throws(
            () => r.insert('GET', second, 'again'),
            (error: unknown) => {
              assert.ok(error instanceof Error);
              assert.ok(error.message.includes(first) && error.message.includes(second), error.message);
              return true;
            },
          );
        }
        const any = router([['ANY', '/x']]);
        assert.throws(() => any.insert('ANY', '/x', 'again'), /\/x/);
      });
      it('accepts other methods on a shape and other shapes beside it', () => {
        const r = router([
          ['GET', '/a/{x}'],
          ['POST', '/a/{y}'],
          ['ANY', '/a/:z'],
          ['GET', '/a/b'],
          ['GET', '/a/{*rest}'],
          ['GET', '/a/{x}/c'],
        ]);
        found(r, 'POST', '/a/1', 'POST /a/{y}', { y: '1' });
        found(r, 'PUT', '/a/1', 'ANY /a/:z', { z: '1' });
      });
    });

    describe('long paths', () => {
      it('matches 10,000 segments without exhausting the stack', () => {
        const deep = '/s'.repeat(10_000);
        const r = router([
          ['GET', `${deep}/{last}`],
          ['GET', '/w/{*rest}'],
          ['GET', '/{a}/{b}'],
        ]);
        found(r, 'GET', `${deep}/end`, `GET ${deep}/{last}`, { last: 'end' });
        notFound(r, 'GET', `${deep}/end/more`);
        found(r, 'GET', `/w${deep}`, 'GET /w/{*rest}', { rest: deep.slice(1) });
        found(r, 'GET', `/w${deep}%20`, 'GET /w/{*rest}', { rest: `${deep.slice(1)} ` });
        notFound(r, 'GET', '/x'.repeat(10_000));
      });
    });
  });
}
