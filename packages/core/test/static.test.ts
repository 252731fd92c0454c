import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Router, serveStatic, type ServeStaticOptions } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';
import { rawExchange } from './raw-http.js';

failOnEscapedErrors();

const SECRET = 'TOP SECRET outside the root';
const base = mkdtempSync(join(tmpdir(), 'kindling-static-'));
const root = join(base, 'public');
after(() => rmSync(base, { recursive: true, force: true }));

function file(relative: string, content: string): void {
  const path = join(base, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

file('secret.txt', SECRET);
file('private/key.pem', SECRET);
file('public-old/leak.txt', SECRET);
file('public/index.html', '<h1>home</h1>');
file('public/app.js', 'console.log("app");');
file('public/style.css', 'body{}');
file('public/blob.unknownext', 'blob');
file('public/café.txt', 'accented');
file('public/%2e%2e', 'a file literally named %2e%2e');
file('public/docs/index.html', '<h1>docs</h1>');
file('public/docs/guide.md', '# guide');
file('public/.env', SECRET);
file('public/.git/config', SECRET);
file('public/big.bin', 'x'.repeat(64));
mkdirSync(join(root, 'empty-dir'));
mkdirSync(join(root, 'index-escape'));
symlinkSync(join(base, 'secret.txt'), join(root, 'link-out.txt'));
symlinkSync('../private', join(root, 'link-dir-out'));
symlinkSync('app.js', join(root, 'link-in.txt'));
symlinkSync('docs', join(root, 'docs-link'));
symlinkSync('.env', join(root, 'link-dot.txt'));
symlinkSync(join(base, 'secret.txt'), join(root, 'index-escape', 'index.html'));

const files = (options?: ServeStaticOptions) => new Router().merge(serveStatic(root, options));

/** A GET with the exact bytes of `path`, so no client can normalise `..` or escapes away. */
async function rawGet(port: number, path: string): Promise<{ status: number; text: string }> {
  const reply = await rawExchange(port, (socket) => socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`));
  const status = /^HTTP\/1\.1 (\d{3})/.exec(reply);
  assert.ok(status, `no HTTP response to ${path}: ${JSON.stringify(reply.slice(0, 80))}`);
  return { status: Number(status[1]), text: reply };
}

describe('serveStatic', () => {
  test('serves a file with content type, length, weak ETag, Last-Modified and Cache-Control', async () => {
    await using server = await TestServer.start(files());
    const res = await server
      .request('GET', '/app.js')
      .expectStatus(200)
      .expectHeader('content-type', 'text/javascript; charset=utf-8')
      .expectHeader('content-length', String(Buffer.byteLength('console.log("app");')))
      .expectHeader('etag', /^W\/"[0-9a-f]+-[0-9a-f]+"$/)
      .expectHeader('last-modified', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
      .expectHeader('cache-control', 'public, max-age=0')
      .expectText('console.log("app");');
    assert.equal(res.headers['accept-ranges'], undefined);
    await server.request('GET', '/style.css').expectHeader('content-type', 'text/css; charset=utf-8').expectText('body{}');
    await server.request('GET', '/blob.unknownext').expectHeader('content-type', 'application/octet-stream').expectText('blob');
    await server.request('GET', '/caf%C3%A9.txt').expectStatus(200).expectHeader('content-type', 'text/plain; charset=utf-8').expectText('accented');
    await server.request('GET', '/%252e%252e').expectStatus(200).expectText('a file literally named %2e%2e');
    await server
      .request('GET', '/missing.txt')
      .expectStatus(404)
      .expectJson({ error: { code: 'NOT_FOUND' } });
  });

  test('HEAD answers the headers of GET without a body; other methods get 405', async () => {
    await using server = await TestServer.start(files());
    const get = await server.request('GET', '/docs/guide.md').expectStatus(200);
    const head = await server
      .request('HEAD', '/docs/guide.md')
      .expectStatus(200)
      .expectHeader('content-length', '7')
      .expectHeader('content-type', 'text/markdown; charset=utf-8')
      .expectHeader('etag', get.headers['etag'] ?? 'missing');
    assert.equal(head.body.byteLength, 0);
    await server.request('POST', '/app.js').expectStatus(405).expectHeader('allow', 'GET, HEAD');
    await server.request('DELETE', '/app.js').expectStatus(405);
  });

  test('If-None-Match and If-Modified-Since answer 304 until the file changes', async () => {
    file('public/changing.txt', 'v1');
    await using server = await TestServer.start(files({ maxAge: 60 }));
    const first = await server.request('GET', '/changing.txt').expectStatus(200);
    const etag = first.headers['etag'] ?? '';
    const lastModified = first.headers['last-modified'] ?? '';

    const notModified = await server
      .request('GET', '/changing.txt', { headers: { 'if-none-match': etag } })
      .expectStatus(304)
      .expectHeader('etag', etag)
      .expectHeader('cache-control', 'public, max-age=60');
    assert.equal(notModified.body.byteLength, 0);
    await server.request('HEAD', '/changing.txt', { headers: { 'if-none-match': `"other", ${etag}` } }).expectStatus(304);
    await server.request('GET', '/changing.txt', { headers: { 'if-none-match': '*' } }).expectStatus(304);
    await server.request('GET', '/changing.txt', { headers: { 'if-modified-since': lastModified } }).expectStatus(304);
    await server
      .request('GET', '/changing.txt', { headers: { 'if-none-match': 'W/"0-0"' } })
      .expectStatus(200)
      .expectText('v1');
    await server.request('GET', '/changing.txt', { headers: { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' } }).expectStatus(200);
    // If-None-Match decides when both are sent: a stale tag means a full response.
    await server.request('GET', '/changing.txt', { headers: { 'if-none-match': '"stale"', 'if-modified-since': lastModified } }).expectStatus(200);

    writeFileSync(join(root, 'changing.txt'), 'v2!');
    const later = new Date(Date.parse(lastModified) + 10_000);
    utimesSync(join(root, 'changing.txt'), later, later);
    const changed = await server
      .request('GET', '/changing.txt', { headers: { 'if-none-match': etag } })
      .expectStatus(200)
      .expectText('v2!');
    assert.notEqual(changed.headers['etag'], etag);
    await server.request('GET', '/changing.txt', { headers: { 'if-modified-since': lastModified } }).expectStatus(200);
  });

  test('Cache-Control follows maxAge and immutable', async () => {
    await using server = await TestServer.start(files({ maxAge: 31_536_000, immutable: true }));
    await server.request('GET', '/app.js').expectHeader('cache-control', 'public, max-age=31536000, immutable');
  });

  test('directories serve index.html after a 301 to the trailing slash, and are never listed', async () => {
    await using server = await TestServer.start(files());
    await server.request('GET', '/').expectStatus(200).expectHeader('content-type', 'text/html; charset=utf-8').expectText('<h1>home</h1>');
    await server.request('GET', '/docs/').expectStatus(200).expectText('<h1>docs</h1>');
    await server.request('GET', '/docs').expectStatus(301).expectHeader('location', '/docs/');
    await server.request('GET', '/docs?v=2').expectStatus(301).expectHeader('location', '/docs/?v=2');
    await server.request('GET', '/docs', { redirect: 'follow' }).expectStatus(200).expectText('<h1>docs</h1>');
    const listing = await server.request('GET', '/empty-dir/').expectStatus(404);
    assert.doesNotMatch(listing.text, /index|empty/);
    await server.request('GET', '/app.js/').expectStatus(404);
    // Never a redirect to `//docs/`, which a browser would read as another host.
    assert.equal((await rawGet(server.port, '//docs')).status, 404);
  });

  test('index: false turns directories into 404; redirect: false serves the index at both spellings', async () => {
    {
      await using server = await TestServer.start(files({ index: false }));
      await server.request('GET', '/docs/').expectStatus(404);
      await server.request('GET', '/docs').expectStatus(404);
      await server.request('GET', '/').expectStatus(404);
      await server.request('GET', '/docs/guide.md').expectStatus(200);
    }
    {
      await using server = await TestServer.start(files({ redirect: false }));
      await server.request('GET', '/docs').expectStatus(200).expectText('<h1>docs</h1>');
      await server.request('GET', '/docs/').expectStatus(200).expectText('<h1>docs</h1>');
    }
    {
      await using server = await TestServer.start(files({ index: 'guide.md' }));
      await server
        .request('GET', '/docs/')
        .expectStatus(200)
        .expectHeader('content-type', /text\/markdown/)
        .expectText('# guide');
      await server.request('GET', '/').expectStatus(404);
    }
  });

  test('nested under a prefix, next to other routes that still win', async () => {
    const router = new Router()
      .get('/assets/version', () => 'v1')
      .get('/{*page}', () => 'spa fallback')
      .nest('/assets', serveStatic(root, { maxAge: 600 }));
    await using server = await TestServer.start(router);
    await server.request('GET', '/assets/app.js').expectStatus(200).expectHeader('cache-control', 'public, max-age=600').expectText('console.log("app");');
    await server.request('GET', '/assets/version').expectText('v1');
    await server.request('GET', '/assets').expectStatus(301).expectHeader('location', '/assets/');
    await server.request('GET', '/assets/').expectStatus(200).expectText('<h1>home</h1>');
    await server.request('GET', '/assets/docs').expectStatus(301).expectHeader('location', '/assets/docs/');
    await server.request('GET', '/elsewhere').expectText('spa fallback');
    await server.request('GET', '/assets/missing.js').expectStatus(404);
  });

  test('dotfiles are 404 by default, 403 with deny, served with allow', async () => {
    {
      await using server = await TestServer.start(files());
      for (const path of ['/.env', '/.git/config', '/.git/', '/link-dot.txt', '/%2Eenv']) {
        const res = await server.request('GET', path).expectStatus(404);
        assert.doesNotMatch(res.text, /SECRET/, path);
      }
    }
    {
      await using server = await TestServer.start(files({ dotfiles: 'deny' }));
      await server
        .request('GET', '/.env')
        .expectStatus(403)
        .expectJson({ error: { code: 'FORBIDDEN' } });
      await server.request('GET', '/.git/config').expectStatus(403);
      await server.request('GET', '/link-dot.txt').expectStatus(403);
      await server.request('GET', '/app.js').expectStatus(200);
    }
    {
      await using server = await TestServer.start(files({ dotfiles: 'allow' }));
      await server.request('GET', '/.env').expectStatus(200).expectText(SECRET);
      await server.request('GET', '/link-dot.txt').expectStatus(200).expectText(SECRET);
    }
  });

  // With dotfiles: 'allow' too: `..` starts with a dot, and the dotfile rule must not be what stops it.
  for (const dotfiles of ['ignore', 'allow'] as const)
    test(`traversal in every spelling is 404 and never reads outside the root (dotfiles: ${dotfiles})`, async () => {
      const router = new Router().merge(serveStatic(root, { dotfiles })).nest('/assets', serveStatic(join(root, 'docs'), { dotfiles }));
      await using server = await TestServer.start(router);
      const attempts = [
        '/../secret.txt',
        '/docs/../../secret.txt',
        '/assets/../secret.txt',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E/secret.txt',
        '/.%2e/secret.txt',
        '/..%2fsecret.txt',
        '/%2e%2e%2fsecret.txt',
        '/%2e%2e%2F%2e%2e%2Fsecret.txt',
        '/docs/..%2F..%2Fsecret.txt',
        '/assets/%2e%2e/index.html',
        '/../public-old/leak.txt',
        '/..%5csecret.txt',
        '/%5c..%5csecret.txt',
        '//etc/passwd',
        '/%2Fetc%2Fpasswd',
        `/${encodeURIComponent(join(base, 'secret.txt'))}`,
        '/app.js%00.txt',
        '/%00',
        '/./app.js',
        '/docs/./guide.md',
      ];
      for (const path of attempts) {
        const res = await rawGet(server.port, path);
        assert.equal(res.status, 404, `${path} → ${res.status}`);
        assert.doesNotMatch(res.text, /SECRET|console\.log|# guide/, path);
      }
      // The same server still serves the legitimate paths, so the 404s above are not a broken mount.
      assert.equal((await rawGet(server.port, '/docs/guide.md')).status, 200);
      assert.equal((await rawGet(server.port, '/assets/guide.md')).status, 200);
    });

  for (const dotfiles of ['ignore', 'allow'] as const)
    test(`symlinks are followed inside the root and refused when their real path leaves it (dotfiles: ${dotfiles})`, async () => {
      await using server = await TestServer.start(files({ dotfiles }));
      await server.request('GET', '/link-in.txt').expectStatus(200).expectHeader('content-type', 'text/plain; charset=utf-8').expectText('console.log("app");');
      await server.request('GET', '/docs-link/').expectStatus(200).expectText('<h1>docs</h1>');
      for (const path of ['/link-out.txt', '/link-dir-out/key.pem', '/link-dir-out/', '/index-escape/', '/index-escape/index.html']) {
        const res = await server.request('GET', path).expectStatus(404);
        assert.doesNotMatch(res.text, /SECRET/, path);
      }
    });

  test('a file over maxFileSize is a 500 whose reason is logged, not sent', async () => {
    await using server = await TestServer.start(files({ maxFileSize: 63 }), { logs: true });
    const res = await server
      .request('GET', '/big.bin')
      .expectStatus(500)
      .expectJson({ error: { code: 'INTERNAL' } });
    assert.doesNotMatch(res.text, /maxFileSize|big\.bin/);
    await server.expectLog((entry) => entry.level === 50 && JSON.stringify(entry).includes('over maxFileSize'));
    await server.request('GET', '/app.js').expectStatus(200);
    await server.request('GET', '/blob.unknownext').expectStatus(200);
  });

  test('special files such as a FIFO are 404, without blocking', { skip: process.platform === 'win32' }, async () => {
    const fifo = join(root, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    await using server = await TestServer.start(files());
    await server.request('GET', '/pipe.txt').expectStatus(404);
    await server.request('GET', '/app.js').expectStatus(200);
  });

  test('a file the server may not read is a 403', { skip: process.getuid?.() === 0 ? 'root reads every file' : process.platform === 'win32' }, async () => {
    file('public/locked.txt', SECRET);
    chmodSync(join(root, 'locked.txt'), 0o000);
    await using server = await TestServer.start(files());
    const res = await server.request('GET', '/locked.txt').expectStatus(403);
    assert.doesNotMatch(res.text, /SECRET/);
  });

  test('a missing or non-directory root fails at once', () => {
    assert.throws(() => serveStatic(join(base, 'nope')), /does not exist/);
    assert.throws(() => serveStatic(join(base, 'secret.txt')), /not a directory/);
    assert.throws(() => serveStatic(root, { dotfiles: 'hide' as 'deny' }), /dotfiles/);
  });
});
