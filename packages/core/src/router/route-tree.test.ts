import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinPaths, parsePathPattern } from './path-pattern.js';
import { RouteTree, type RouteMatch } from './route-tree.js';

describe('RouteTree', () => {
  it('rejects methods that are not upper-case tokens, leaving the tree unchanged', () => {
    const tree = new RouteTree<string>();
    for (const method of ['get', 'Get', '', 'G ET', '*']) {
      assert.throws(() => tree.insert(method, '/a', 'x'), TypeError, method);
    }
    assert.throws(() => tree.insert('GET', 'a', 'x'), TypeError);
    assert.deepEqual(tree.routes(), []);
    assert.deepEqual(tree.match('GET', '/a'), { kind: 'not-found' });
    tree.insert('M-SEARCH', '/a', 'ssdp');
    assert.equal(tree.match('M-SEARCH', '/a').kind, 'found');
  });

  it('lists routes in registration order, as registered', () => {
    const tree = new RouteTree<number>();
    tree.insert('GET', '/users/:id', 1);
    tree.insert('ANY', '/files/*', 2);
    tree.insert('POST', '/', 3);
    assert.throws(() => tree.insert('GET', '/users/{other}', 4), /'\/users\/\{other\}'.*'\/users\/:id'/);
    const listed = tree.routes();
    assert.deepEqual(listed, [
      { method: 'GET', pattern: '/users/:id', value: 1 },
      { method: 'ANY', pattern: '/files/*', value: 2 },
      { method: 'POST', pattern: '/', value: 3 },
    ]);
    listed.pop();
    assert.equal(tree.routes().length, 3);
  });

  it('returns the registered value itself and a fresh params object each time', () => {
    const handler = { name: 'room' };
    const tree = new RouteTree<typeof handler>();
    tree.insert('GET', '/rooms/{id}', handler);
    const first = tree.match('GET', '/rooms/1');
    assert.equal(first.kind === 'found' && first.value, handler);
    if (first.kind === 'found') first.params['id'] = 'changed';
    const again = tree.match('GET', '/rooms/1');
    assert.deepEqual(again, { kind: 'found', value: handler, params: { id: '1' }, pattern: '/rooms/{id}' });
  });

  it('keeps results apart when searches of different depths and trees alternate', () => {
    const a = new RouteTree<string>();
    const b = new RouteTree<string>();
    a.insert('GET', '/{x}/{y}/{z}', 'a3');
    a.insert('GET', '/{x}', 'a1');
    b.insert('GET', '/s/{x}', 'b');
    const deep = a.match('GET', '/1/2/3');
    assert.deepEqual(deep, { kind: 'found', value: 'a3', params: { x: '1', y: '2', z: '3' }, pattern: '/{x}/{y}/{z}' });
    assert.deepEqual(b.match('GET', '/s/q'), { kind: 'found', value: 'b', params: { x: 'q' }, pattern: '/s/{x}' });
    assert.deepEqual(a.match('GET', '/9'), { kind: 'found', value: 'a1', params: { x: '9' }, pattern: '/{x}' });
    assert.deepEqual(a.match('GET', '/1/2'), { kind: 'not-found' });
  });

  it('finds static children among many siblings, including look-alikes', () => {
    for (const strictTrailingSlash of [false, true]) {
      const tree = new RouteTree<string>({ strictTrailingSlash });
      const keys = ['a', 'b', 'ab', 'ba', 'aa', 'abc', 'abd', 'café', 'cafe', '日本', 'x'.repeat(20_000), 'x'.repeat(20_001)];
      for (let i = 0; i < 200; i++) keys.push(`k${i}`);
      for (const key of keys) tree.insert('GET', `/${encodeURIComponent(key)}/end`, key);
      tree.insert('GET', '/{other}/end', 'param');
      if (strictTrailingSlash) tree.insert('GET', '/a/', 'slash');
      for (const key of keys) {
        assert.equal(value(tree.match('GET', `/${key}/end`)), key, key.slice(0, 20));
        assert.equal(value(tree.match('GET', `/${encodeURIComponent(key)}/end`)), key, key.slice(0, 20));
      }
      for (const miss of ['k200', 'abe', 'c', 'caf', 'x'.repeat(20_002), 'K1']) {
        assert.equal(value(tree.match('GET', `/${miss}/end`)), 'param', miss.slice(0, 20));
      }
      assert.equal(value(tree.match('GET', '/a/')), strictTrailingSlash ? 'slash' : undefined);
    }
  });

  it('matches patterns built with joinPaths for nested routers', () => {
    const tree = new RouteTree<string>();
    tree.insert('GET', joinPaths('/api', '/'), 'api root');
    tree.insert('GET', joinPaths(joinPaths('/api/', '/v1'), '/users/{id}'), 'user');
    tree.insert('GET', joinPaths('/', '/'), 'root');
    assert.equal(value(tree.match('GET', '/api')), 'api root');
    assert.equal(value(tree.match('GET', '/api/')), 'api root');
    const user = tree.match('GET', '/api/v1/users/7');
    assert.deepEqual(user, { kind: 'found', value: 'user', params: { id: '7' }, pattern: '/api/v1/users/{id}' });
    assert.equal(value(tree.match('GET', '/')), 'root');
  });

  it('never throws on arbitrary input paths', () => {
    const tree = new RouteTree<string>();
    for (const pattern of ['/', '/a/{x}', '/a/b', '/f/{*rest}', '/%25/{y}']) tree.insert('GET', pattern, pattern);
    const alphabet = ['/', '%', 'a', 'b', 'f', '2', '5', 'F', 'C', '3', 'é', '\u{1F525}', '\uD800', ' ', '?'];
    const random = seeded(7);
    const kinds = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      let path = '';
      for (let n = random() % 12; n >= 0; n--) path += alphabet[random() % alphabet.length];
      kinds.add(tree.match(random() % 2 === 0 ? 'GET' : 'PUT', path).kind);
    }
    assert.deepEqual([...kinds].sort(), ['found', 'malformed', 'method-not-allowed', 'not-found']);
  });

  for (const strict of [false, true]) {
    it(`agrees with a brute-force reference on random routes and paths (strict: ${strict})`, () => {
      const random = seeded(strict ? 2 : 1);
      for (let round = 0; round < 40; round++) {
        const tree = new RouteTree<string>({ strictTrailingSlash: strict });
        const routes: Array<{ method: string; pattern: string }> = [];
        for (let i = 0; i < 12; i++) {
          const method = pickOne(random, ['GET', 'POST', 'HEAD', 'ANY']);
          const pattern = randomPattern(random);
          try {
            tree.insert(method, pattern, `${method} ${pattern}`);
            routes.push({ method, pattern });
          } catch (error) {
            assert.match(String(error), /Route conflict/);
          }
        }
        for (let i = 0; i < 60; i++) {
          const method = pickOne(random, ['GET', 'POST', 'HEAD', 'PUT']);
          const path = randomPath(random);
          const expected = reference(routes, method, path, strict);
          assert.deepEqual(tree.match(method, path), expected, `${method} ${path} in ${JSON.stringify(routes)}`);
        }
      }
    });
  }
});

function value(match: RouteMatch<string>): string | undefined {
  return match.kind === 'found' ? match.value : undefined;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8;
}

function pickOne<T>(random: () => number, items: readonly T[]): T {
  return items[random() % items.length] as T;
}

function randomPattern(random: () => number): string {
  const length = random() % 4;
  let pattern = '';
  for (let i = 0; i < length; i++) pattern += `/${pickOne(random, ['a', 'b', `{p${i}}`, `:p${i}`, 'b%20c'])}`;
  // Two draws on purpose: a quarter of patterns end in a wildcard, a quarter of the rest in '/'.
  const wildcard = random() % 4 === 0;
  const trailingSlash = random() % 4 === 0;
  if (wildcard) pattern += pickOne(random, ['/{*rest}', '/*']);
  else if (trailingSlash) pattern += '/';
  return pattern === '' ? '/' : pattern;
}

function randomPath(random: () => number): string {
  const length = random() % 5;
  let path = '';
  for (let i = 0; i < length; i++) path += `/${pickOne(random, ['a', 'b', '', 'b%20c', 'b c', 'a%2Fb', '%61'])}`;
  if (random() % 3 === 0) path += '/';
  return path === '' ? '/' : path;
}

/** The matching rules restated as a scan over every route, to check the tree against. */
function reference(routes: ReadonlyArray<{ method: string; pattern: string }>, method: string, path: string, strict: boolean): RouteMatch<string> {
  const end = !strict && path.length > 1 && path.endsWith('/') ? path.length - 1 : path.length;
  const segs =
    end === 1
      ? []
      : path
          .slice(1, end)
          .split('/')
          .map((s) => decodeURIComponent(s));
  let best: { rank: number[]; params: Record<string, string>; route: { method: string; pattern: string } } | undefined;
  const allow = new Set<string>();
  for (const route of routes) {
    let segments = parsePathPattern(route.pattern).segments;
    const last = segments.at(-1);
    if (!strict && last?.kind === 'static' && last.value === '') segments = segments.slice(0, -1);
    const rank: number[] = [];
    const params: Record<string, string> = {};
    let ok = true;
    let wildcard = false;
    for (const [i, s] of segments.entries()) {
      if (s.kind === 'wildcard') {
        params[s.name] = segs.slice(i).join('/');
        rank.push(2);
        wildcard = true;
        break;
      }
      const seg = segs[i];
      if (seg === undefined || (s.kind === 'static' ? s.value !== seg : seg === '')) ok = false;
      if (s.kind === 'param') params[s.name] = seg ?? '';
      rank.push(s.kind === 'static' ? 0 : 1);
    }
    if (!ok || (!wildcard && segments.length !== segs.length)) continue;
    allow.add(route.method);
    const methodRank = route.method === method ? 0 : method === 'HEAD' && route.method === 'GET' ? 1 : route.method === 'ANY' ? 2 : -1;
    if (methodRank === -1) continue;
    rank.push(-1, methodRank); // -1: a shorter shape (the path ended) sorts before a wildcard
    if (best === undefined || compare(rank, best.rank) < 0) best = { rank, params, route };
  }
  if (best !== undefined) {
    const { route, params } = best;
    return { kind: 'found', value: `${route.method} ${route.pattern}`, params, pattern: route.pattern };
  }
  if (allow.size === 0) return { kind: 'not-found' };
  if (allow.has('GET')) allow.add('HEAD');
  return { kind: 'method-not-allowed', allow: [...allow].sort() };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}
