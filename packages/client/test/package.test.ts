// What the package ships: the size budget, no dependencies, declarations that stand alone.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const BUDGET_BYTES = 4 * 1024;

test(`the client is at most ${BUDGET_BYTES} bytes minified and gzipped`, async () => {
  const result = await build({
    entryPoints: [new URL('dist/index.js', root).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const minified = result.outputFiles[0]!.contents;
  const gzipped = gzipSync(minified, { level: 9 }).length;
  console.log(`@kindling/client: ${minified.length} B minified, ${gzipped} B min+gzip (budget ${BUDGET_BYTES} B)`);
  assert.ok(gzipped <= BUDGET_BYTES, `${gzipped} B min+gzip is over the ${BUDGET_BYTES} B budget`);
  assert.ok(gzipped > 500, 'the bundle is not empty');
});

test('no runtime dependencies, and the published declarations name no other package', () => {
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest['dependencies'], undefined);
  assert.equal(manifest['peerDependencies'], undefined);
  const dist = new URL('dist/', root);
  const files = readdirSync(dist).filter((name) => name.endsWith('.js') || name.endsWith('.d.ts'));
  assert.ok(files.includes('index.d.ts'));
  for (const name of files) {
    // Code only: the TSDoc examples import the package by name, as a user would.
    const text = readFileSync(new URL(name, dist), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      assert.ok(specifier!.startsWith('./'), `${name} imports ${specifier}`);
    }
    assert.doesNotMatch(text, /@kindling\/|reference types=/, `${name} refers to another package`);
  }
});
