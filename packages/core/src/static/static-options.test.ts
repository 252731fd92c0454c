import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveStaticConfig, type ServeStaticOptions } from './static-options.js';

const dir = mkdtempSync(join(tmpdir(), 'kindling-static-options-'));
writeFileSync(join(dir, 'file.txt'), 'x');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveStaticConfig', () => {
  it('applies the documented defaults', () => {
    assert.deepEqual(resolveStaticConfig(dir, {}), {
      root: dir,
      index: 'index.html',
      dotfiles: 'ignore',
      cacheControl: 'public, max-age=0',
      redirect: true,
      maxFileSize: 50 * 1024 * 1024,
    });
  });

  it('builds Cache-Control from maxAge and immutable', () => {
    assert.equal(resolveStaticConfig(dir, { maxAge: 31_536_000, immutable: true }).cacheControl, 'public, max-age=31536000, immutable');
  });

  it('refuses a root that is missing or not a directory', () => {
    assert.throws(() => resolveStaticConfig(join(dir, 'nope'), {}), /does not exist/);
    assert.throws(() => resolveStaticConfig(join(dir, 'file.txt'), {}), /is not a directory/);
    assert.throws(() => resolveStaticConfig('', {}), TypeError);
  });

  it('refuses bad option values at once', () => {
    const bad: unknown[] = [
      { index: '../index.html' },
      { index: 'a/index.html' },
      { index: '' },
      { index: '..' },
      { index: true },
      { index: 'x/' },
      { dotfiles: 'hide' },
      { maxAge: -1 },
      { maxAge: 1.5 },
      { maxAge: '60' },
      { maxFileSize: Number.POSITIVE_INFINITY },
      { maxFileSize: -1 },
    ];
    for (const options of bad) assert.throws(() => resolveStaticConfig(dir, options as ServeStaticOptions), TypeError, JSON.stringify(options));
  });

  it('accepts index: false and other file names', () => {
    assert.equal(resolveStaticConfig(dir, { index: false }).index, false);
    assert.equal(resolveStaticConfig(dir, { index: 'default.htm' }).index, 'default.htm');
  });
});
