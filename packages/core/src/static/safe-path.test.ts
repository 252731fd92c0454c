import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWithin, parseStaticPath, resolvesToDotfile } from './safe-path.js';

describe('parseStaticPath', () => {
  it('splits a clean path into segments', () => {
    assert.deepEqual(parseStaticPath('css/site.css'), { kind: 'segments', segments: ['css', 'site.css'], dotfile: false });
    assert.deepEqual(parseStaticPath('a b/café.txt'), { kind: 'segments', segments: ['a b', 'café.txt'], dotfile: false });
  });

  it('treats the empty path as the root and ignores one trailing slash', () => {
    assert.deepEqual(parseStaticPath(''), { kind: 'segments', segments: [], dotfile: false });
    assert.deepEqual(parseStaticPath('docs/'), { kind: 'segments', segments: ['docs'], dotfile: false });
  });

  it('refuses traversal, absolute paths, empty segments, NUL and backslashes', () => {
    const unsafe = [
      '..',
      '../etc/passwd',
      'a/../../b',
      'a/..',
      '.',
      './a',
      'a/./b',
      '/etc/passwd',
      '//etc',
      'a//b',
      'a/b//',
      'x\0.txt',
      'a\\..\\b',
      '..\\secret',
      '/',
      'a/../',
    ];
    for (const path of unsafe) assert.deepEqual(parseStaticPath(path), { kind: 'unsafe' }, JSON.stringify(path));
  });

  it('refuses drive letters and streams on Windows only', () => {
    assert.deepEqual(parseStaticPath('C:/Windows', 'win32'), { kind: 'unsafe' });
    assert.deepEqual(parseStaticPath('file.txt:stream', 'win32'), { kind: 'unsafe' });
    assert.equal(parseStaticPath('a:b.txt', 'linux').kind, 'segments');
  });

  it('flags a dot-named segment anywhere in the path', () => {
    assert.deepEqual(parseStaticPath('.env'), { kind: 'segments', segments: ['.env'], dotfile: true });
    const nested = parseStaticPath('.git/config');
    assert.equal(nested.kind === 'segments' && nested.dotfile, true);
    const deep = parseStaticPath('a/.hidden/b.txt');
    assert.equal(deep.kind === 'segments' && deep.dotfile, true);
    const plain = parseStaticPath('a/b.c.txt');
    assert.equal(plain.kind === 'segments' && plain.dotfile, false);
  });

  it('does not decode again: an escaped escape stays a literal name', () => {
    assert.deepEqual(parseStaticPath('%2e%2e/x'), { kind: 'segments', segments: ['%2e%2e', 'x'], dotfile: false });
  });
});

describe('isWithin', () => {
  it('accepts the root and paths below it', () => {
    assert.equal(isWithin('/srv/public', '/srv/public'), true);
    assert.equal(isWithin('/srv/public', '/srv/public/a/b.txt'), true);
    assert.equal(isWithin('/', '/etc/passwd'), true);
  });

  it('refuses siblings that share a prefix, parents and other trees', () => {
    assert.equal(isWithin('/srv/public', '/srv/public-old/a.txt'), false);
    assert.equal(isWithin('/srv/public', '/srv'), false);
    assert.equal(isWithin('/srv/public', '/etc/passwd'), false);
  });
});

describe('resolvesToDotfile', () => {
  it('sees dot-named entries between the root and the file, not in the root itself', () => {
    assert.equal(resolvesToDotfile('/srv/public', '/srv/public/.env'), true);
    assert.equal(resolvesToDotfile('/srv/public', '/srv/public/a/.git/config'), true);
    assert.equal(resolvesToDotfile('/home/.me/public', '/home/.me/public/a.txt'), false);
    assert.equal(resolvesToDotfile('/srv/public', '/srv/public'), false);
  });
});
