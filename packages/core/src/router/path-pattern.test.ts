import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinPaths, parsePathPattern } from './path-pattern.js';

describe('parsePathPattern', () => {
  it('parses static, {param}, :param, {*wildcard} and * segments', () => {
    assert.deepEqual(parsePathPattern('/rooms/{room_id}/users/:id/files/{*rest}'), {
      source: '/rooms/{room_id}/users/:id/files/{*rest}',
      segments: [
        { kind: 'static', value: 'rooms' },
        { kind: 'param', name: 'room_id' },
        { kind: 'static', value: 'users' },
        { kind: 'param', name: 'id' },
        { kind: 'static', value: 'files' },
        { kind: 'wildcard', name: 'rest' },
      ],
      paramNames: ['room_id', 'id', 'rest'],
    });
    assert.deepEqual(parsePathPattern('/static/*').segments.at(-1), { kind: 'wildcard', name: '*' });
    assert.deepEqual(parsePathPattern('/static/*').paramNames, ['*']);
  });

  it('gives the root no segments and keeps a trailing slash as an empty static segment', () => {
    assert.deepEqual(parsePathPattern('/').segments, []);
    assert.deepEqual(parsePathPattern('/a/').segments, [
      { kind: 'static', value: 'a' },
      { kind: 'static', value: '' },
    ]);
    assert.deepEqual(parsePathPattern('/{id}/').paramNames, ['id']);
  });

  it('decodes static segments, so escapes can spell reserved characters', () => {
    const values = (path: string): string[] => parsePathPattern(path).segments.map((s) => (s.kind === 'static' ? s.value : `<${s.kind}>`));
    assert.deepEqual(values('/caf%C3%A9/café'), ['café', 'café']);
    assert.deepEqual(values('/%3Aid/%2A/%7Bx%7D/a%2Fb'), [':id', '*', '{x}', 'a/b']);
    assert.deepEqual(values('/v1/models/gpt:generate/a:b'), ['v1', 'models', 'gpt:generate', 'a:b']);
  });

  it('accepts identifier names with digits and underscores', () => {
    assert.deepEqual(parsePathPattern('/{_a1}/:B_2/{*c3}').paramNames, ['_a1', 'B_2', 'c3']);
  });

  const rejected: Array<[path: string, reason: RegExp]> = [
    ['', /must start with '\/'/],
    ['rooms/{id}', /must start with '\/'/],
    ['/a//b', /empty segment/],
    ['//', /empty segment/],
    ['/{}', /empty parameter name/],
    ['/:', /empty parameter name/],
    ['/{*}', /empty parameter name/],
    ['/{id}/{id}', /'id' is used twice/],
    ['/:id/{*id}', /'id' is used twice/],
    ['/{*rest}/more', /must be the last segment/],
    ['/*/more', /must be the last segment/],
    ['/files/{*rest}/', /must be the last segment/],
    ['/{id', /unbalanced/],
    ['/id}', /unbalanced/],
    ['/{a}b}', /unbalanced/],
    ['/{{id}}', /unbalanced/],
    ['/file-{id}.txt', /fill its whole segment/],
    ['/{a}{b}', /unbalanced|fill its whole segment/],
    ['/a*', /'\*' must fill its whole segment/],
    ['/**', /'\*' must fill its whole segment/],
    ['/{user-id}', /not a valid parameter name/],
    ['/{ id }', /not a valid parameter name/],
    ['/:1st', /not a valid parameter name/],
    ['/:id?', /'\?' cannot appear/],
    ['/a#b', /'#' cannot appear/],
    ['/{__proto__}', /not a valid parameter name/],
    ['/{é}', /not a valid parameter name/],
    ['/100%', /malformed percent-escape/],
    ['/%E0%A4%A', /malformed percent-escape/],
  ];
  for (const [path, reason] of rejected) {
    it(`rejects ${JSON.stringify(path)} with a TypeError naming it`, () => {
      assert.throws(
        () => parsePathPattern(path),
        (error: unknown) => {
          assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
          assert.match(error.message, reason);
          assert.ok(error.message.includes(JSON.stringify(path)) || error.message.includes(`'${path}'`), error.message);
          return true;
        },
      );
    });
  }
});

describe('joinPaths', () => {
  const cases: Array<[prefix: string, path: string, joined: string]> = [
    ['/api', '/', '/api'],
    ['/api', '', '/api'],
    ['/api/', '/', '/api'],
    ['/api', '/users', '/api/users'],
    ['/api/', '/users', '/api/users'],
    ['/api', '/users/', '/api/users/'],
    ['/api//v1/', '//users//{id}', '/api/v1/users/{id}'],
    ['/', '/users', '/users'],
    ['/', '/', '/'],
    ['', '/users', '/users'],
    ['', '', '/'],
    ['/api', '/{*rest}', '/api/{*rest}'],
  ];
  for (const [prefix, path, joined] of cases) {
    it(`joins ${JSON.stringify(prefix)} and ${JSON.stringify(path)} as ${JSON.stringify(joined)}`, () => {
      assert.equal(joinPaths(prefix, path), joined);
      assert.doesNotThrow(() => parsePathPattern(joinPaths(prefix, path)));
    });
  }

  it('nests twice the same way as once', () => {
    assert.equal(joinPaths(joinPaths('/a', '/b'), '/c'), joinPaths('/a', joinPaths('/b', '/c')));
    assert.equal(joinPaths(joinPaths('/a', '/'), '/'), '/a');
  });

  it('rejects a prefix or path without a leading slash', () => {
    assert.throws(() => joinPaths('api', '/x'), /"api" must start with '\/'/);
    assert.throws(() => joinPaths('/api', 'x'), /"x" must start with '\/'/);
  });
});
