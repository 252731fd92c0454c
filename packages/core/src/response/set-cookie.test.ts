import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serializeCookie, type CookieOptions } from './set-cookie.js';

describe('serializeCookie', () => {
  it('writes every attribute in a fixed order and percent-encodes the value', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    assert.equal(
      serializeCookie('sid', 'a b;c\r\nd=é', { maxAge: 3600.9, expires, domain: '.example.com', path: '/app', httpOnly: true, secure: true, sameSite: 'Lax' }),
      'sid=a%20b%3Bc%0D%0Ad%3D%C3%A9; Max-Age=3600; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Domain=.example.com; Path=/app; HttpOnly; Secure; SameSite=Lax',
    );
    assert.equal(serializeCookie('sid', ''), 'sid=; Path=/');
  });

  it('accepts sameSite in any case and writes it canonically', () => {
    const loose = { sameSite: 'strict' } as unknown as CookieOptions;
    assert.equal(serializeCookie('a', 'b', loose), 'a=b; Path=/; SameSite=Strict');
  });

  for (const name of ['', 'a;b', 'a b', 'a=b', 'sid\r\nSet-Cookie: x', 'sessión', 'a,b', '"q"']) {
    it(`rejects the name ${JSON.stringify(name)}`, () => {
      assert.throws(() => serializeCookie(name, 'v'), {
        name: 'TypeError',
        message: `Invalid cookie name ${JSON.stringify(name)}: use letters, digits and !#$%&'*+-.^_\`|~ only`,
      });
    });
  }

  const badAttributes: [keyof CookieOptions, unknown, string][] = [
    ['path', '/; Domain=evil.example', 'printable ASCII without ";"'],
    ['path', '/a\r\nSet-Cookie: x=1', 'printable ASCII without ";"'],
    ['path', '/café', 'printable ASCII without ";"'],
    ['domain', 'example.com; Secure', 'a host name such as example.com'],
    ['domain', 'example.com\r\nX: 1', 'a host name such as example.com'],
    ['domain', 'exämple.com', 'a host name such as example.com'],
    ['domain', '', 'a host name such as example.com'],
    ['sameSite', 'Lax; Domain=evil.example', "'Strict', 'Lax' or 'None'"],
    ['sameSite', 'Sometimes', "'Strict', 'Lax' or 'None'"],
    ['maxAge', Number.NaN, 'a finite number of seconds'],
    ['maxAge', Number.POSITIVE_INFINITY, 'a finite number of seconds'],
    ['maxAge', '3600', 'a finite number of seconds'],
    ['expires', new Date('nope'), 'a valid Date'],
    ['expires', 'Wed, 02 Jan 2030 03:04:05 GMT', 'a valid Date'],
  ];
  for (const [option, value, expected] of badAttributes) {
    it(`rejects ${option} ${value instanceof Date ? 'an invalid Date' : JSON.stringify(value)}`, () => {
      const options = { [option]: value } as CookieOptions;
      assert.throws(
        () => serializeCookie('sid', 'v', options),
        (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.match(err.message, new RegExp(`^Invalid cookie ${option} for "sid": expected `));
          assert.ok(err.message.includes(`expected ${expected}, got `), err.message);
          if (typeof value === 'string') assert.ok(err.message.endsWith(`got string ${JSON.stringify(value)}`), 'quotes the string, escaping CR/LF');
          return true;
        },
      );
    });
  }

  it('rejects a value that cannot be encoded', () => {
    assert.throws(() => serializeCookie('sid', 'a\uD800b'), {
      name: 'TypeError',
      message: 'Invalid cookie value for "sid": expected a string without lone surrogates, got string "a\\ud800b"',
    });
  });
});
