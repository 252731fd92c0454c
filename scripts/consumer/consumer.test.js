// The packages as a user gets them: packed with `npm pack`, installed from the tarballs into an
// app outside the repository with `npm ci --offline` (only what the repository's `npm ci`
// cached), then docs/getting-started.md and docs/testing.md copied from the page and compiled,
// run and tested there. A broken export map, a file missing from a tarball or a page that
// drifted from the packages fails here. See docs/installation.md.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { installOffline, packAll, publishablePackages, runCommand, writeFiles, writeLockfile } from './consumer-app.mjs';
import { docFiles, oneFile } from './doc-files.mjs';
import { packageProblems, SHARED_WITH_THE_APP } from './package-shape.mjs';
import { checkServer, startServer } from './server-checks.mjs';
import { CJS_MAIN, variantFiles } from './variants.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GETTING_STARTED = 'docs/getting-started.md';
const TESTING = 'docs/testing.md';
/** Tools the app adds beside the page's package.json, at the repository's versions. */
const TOOLS = ['tsx', 'vitest', 'typescript59'];
const STEP_MS = 300_000;

/** @type {{ base: string, app: string, packs: import('./consumer-app.mjs').PackedPackage[], install: string, startedAt: number }} */
let ctx;

const tsc7 = (...args) => runCommand(process.execPath, [join(ctx.app, 'node_modules/typescript/bin/tsc'), ...args], { cwd: ctx.app });
const tsc59 = (...args) => runCommand(process.execPath, [join(ctx.app, 'node_modules/typescript59/bin/tsc'), ...args], { cwd: ctx.app });
const tsx = (...args) => [process.execPath, [join(ctx.app, 'node_modules/tsx/dist/cli.mjs'), ...args]];

function assertOk(result, what) {
  assert.equal(result.code, 0, `${what} failed (exit ${result.code}):\n${result.output}`);
}

describe('the packages installed from their tarballs into an app outside the repository', { timeout: 900_000 }, () => {
  before(
    async () => {
      const startedAt = Date.now();
      for (const pkg of publishablePackages(ROOT)) {
        assert.ok(existsSync(join(ROOT, pkg.dir, 'dist')), `${pkg.dir} is not built: run \`npm run build\` first`);
      }
      const base = mkdtempSync(join(tmpdir(), 'kindling-consumer-'));
      const packs = await packAll(ROOT, join(base, 'packs'));
      const app = join(base, 'app');
      const gettingStarted = docFiles(ROOT, GETTING_STARTED);
      const manifest = JSON.parse(oneFile(gettingStarted, 'package.json', GETTING_STARTED).code);
      const pageSpecs = { ...manifest.dependencies, ...manifest.devDependencies };
      for (const pack of packs) {
        if (pageSpecs[pack.name] !== undefined) {
          assert.equal(
            pageSpecs[pack.name],
            pack.version,
            `${GETTING_STARTED} depends on ${pack.name}@${pageSpecs[pack.name]}, the package is ${pack.version}`,
          );
        }
        const spec = `file:${relative(app, pack.tarball)}`;
        if (manifest.dependencies?.[pack.name]) manifest.dependencies[pack.name] = spec;
        else manifest.devDependencies = { ...manifest.devDependencies, [pack.name]: spec };
      }
      const repo = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      for (const tool of TOOLS) manifest.devDependencies[tool] = repo.devDependencies[tool];
      // tsx and vitest bring esbuild, whose install script the page's app does not need to know of.
      manifest.allowScripts = { ...manifest.allowScripts, esbuild: true };

      const server = oneFile(gettingStarted, 'src/server.ts', GETTING_STARTED).code;
      const listen = 'port: 3000';
      assert.equal(
        server.split(listen).length,
        2,
        `${GETTING_STARTED}'s server no longer listens with \`${listen}\`; the consumer test swaps it for a free port`,
      );
      const testing = docFiles(ROOT, TESTING);
      const [nodeTest, vitestTest] = testing.filter((file) => file.path === 'test/rooms.test.ts');
      assert.ok(
        nodeTest && vitestTest && nodeTest.code.includes("from 'node:test'") && vitestTest.code.includes("from 'vitest'"),
        `${TESTING} should show test/rooms.test.ts for node:test, then for vitest`,
      );

      writeFiles(app, {
        'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
        'tsconfig.json': oneFile(gettingStarted, 'tsconfig.json', GETTING_STARTED).code,
        'src/server.ts': server.replace(listen, 'port: 0'),
        // node:test: the page's test compiled by tsc beside the app's sources.
        'tsconfig.test.json': `${JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: '.', outDir: 'dist-test' }, include: ['src', 'test'] }, null, 2)}\n`,
        'test/rooms.test.ts': nodeTest.code,
        // vitest: the page's spec and config in a project of their own (vitest would also collect
        // the node:test file above).
        'vitest/test/rooms.test.ts': vitestTest.code,
        'vitest/vitest.config.ts': oneFile(testing, 'vitest.config.ts', TESTING).code,
        ...variantFiles(oneFile(gettingStarted, 'tsconfig.json', GETTING_STARTED).code),
      });
      writeLockfile(ROOT, app, manifest, packs);
      const install = await installOffline(app);
      ctx = { base, app, packs, install, startedAt };
    },
    { timeout: STEP_MS },
  );

  after(() => {
    if (ctx) {
      console.log(`# consumer test: ${((Date.now() - ctx.startedAt) / 1000).toFixed(1)} s`);
      rmSync(ctx.base, { recursive: true, force: true });
    }
  });

  it('packs each package with README, LICENSE, engines, sideEffects, resolvable maps and no build info or tests', { timeout: STEP_MS }, () => {
    assert.deepEqual(packageProblems(ROOT, ctx.packs), []);
  });

  it('installs offline without a warning, with one copy of the peers the app shares with Kindling', { timeout: STEP_MS }, async () => {
    assert.doesNotMatch(ctx.install, /npm warn/i, `npm printed warnings:\n${ctx.install}`);
    const ls = await runCommand('npm', ['ls', ...SHARED_WITH_THE_APP, '--all', '--parseable'], { cwd: ctx.app });
    assertOk(ls, 'npm ls');
    for (const name of SHARED_WITH_THE_APP) {
      const copies = ls.output.split('\n').filter((line) => line.endsWith(`node_modules/${name}`));
      assert.deepEqual(copies, [join(ctx.app, 'node_modules', name)], `expected one ${name}:\n${ls.output}`);
    }
  });

  it("compiles getting-started's app with TypeScript 7 (npm run build) and 5.9", { timeout: STEP_MS }, async () => {
    assert.equal(readlinkSync(join(ctx.app, 'node_modules/.bin/tsc')), '../typescript/bin/tsc', "the app's tsc should be TypeScript 7");
    const [seven, fiveNine] = await Promise.all([runCommand('npm', ['run', 'build'], { cwd: ctx.app }), tsc59('-p', '.', '--outDir', 'dist-5.9')]);
    assertOk(seven, 'npm run build (tsc 7)');
    assert.match(seven.output, /tsc -p \./);
    assertOk(fiveNine, 'tsc 5.9');
    assert.ok(existsSync(join(ctx.app, 'dist/server.js')) && existsSync(join(ctx.app, 'dist-5.9/server.js')));
  });

  it('runs getting-started under tsx, as tsc output and as an esbuild bundle, answering as the page says', { timeout: STEP_MS }, async () => {
    // esbuild's install script swaps its bin/esbuild for the native executable.
    const bundle = await runCommand(
      join(ctx.app, 'node_modules/.bin/esbuild'),
      ['src/server.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', '--outfile=dist-esbuild/server.js'],
      { cwd: ctx.app },
    );
    assertOk(bundle, 'esbuild --bundle --packages=external');
    const runs = [
      ['tsx', ...tsx('src/server.ts')],
      ['node dist/server.js (tsc)', process.execPath, ['dist/server.js']],
      ['node dist-esbuild/server.js (esbuild)', process.execPath, ['dist-esbuild/server.js']],
    ];
    for (const [name, command, args] of runs) {
      const server = await startServer(command, args, { cwd: ctx.app });
      try {
        await checkServer(server.port);
      } catch (error) {
        error.message = `${name}: ${error.message}\nserver output:\n${server.output()}`;
        throw error;
      } finally {
        const exit = await server.stop();
        assert.equal(exit.code, 0, `${name}: SIGTERM should shut the app down cleanly (handleSignals)\n${server.output()}`);
        assert.match(server.output(), /"event":"app.closed"/, `${name} did not log app.closed`);
      }
    }
  });

  it("type-checks each package's README example as installed", { timeout: STEP_MS }, async () => {
    const files = {};
    for (const pack of ctx.packs) {
      const readme = readFileSync(join(ctx.app, 'node_modules', pack.name, 'README.md'), 'utf8');
      const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)];
      assert.ok(blocks.length > 0, `${pack.name}'s README has no ts example`);
      for (const [i, block] of blocks.entries()) files[`readme/${pack.name.replace('@kindling/', '')}-${i + 1}.ts`] = block[1];
    }
    writeFiles(ctx.app, files);
    assertOk(await tsc7('-p', 'tsconfig.readme.json'), 'README examples (tsc 7)');
  });

  // nodenext is the page's own setting, compiled above by TypeScript 7 and 5.9. The other two
  // resolve `exports` the same way in both versions, so only 7 checks them (5.9 costs ~10 s each).
  it('resolves the packages under moduleResolution node16 and bundler too', { timeout: STEP_MS }, async () => {
    for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
      assertOk(await tsc7('-p', config), `tsc 7 -p ${config}`);
    }
  });

  it('CommonJS app: require() works where Node loads ES modules with require, TypeScript needs module nodenext', { timeout: STEP_MS }, async () => {
    const required = await runCommand(process.execPath, [CJS_MAIN], { cwd: ctx.app });
    if (requireEsmByDefault(process.versions.node)) {
      assertOk(required, 'require("@kindling/core") from a "type": "commonjs" app');
      assert.match(required.output, /GET \/health 200 \{"ok":true\}/);
    } else {
      assert.notEqual(required.code, 0);
      assert.match(required.output, /ERR_REQUIRE_ESM/, required.output);
    }
    const [nodenext, nodenext59, node16] = await Promise.all([
      tsc7('-p', 'cjs/tsconfig.json'),
      tsc59('-p', 'cjs/tsconfig.json', '--outDir', 'cjs/dist-5.9'),
      tsc7('-p', 'cjs/tsconfig.node16.json'),
    ]);
    assertOk(nodenext, 'tsc 7, a CommonJS app with module nodenext');
    assertOk(nodenext59, 'tsc 5.9, a CommonJS app with module nodenext');
    assert.match(readFileSync(join(ctx.app, 'cjs/dist/server.js'), 'utf8'), /require\("@kindling\/core"\)/, 'tsc should emit require() for a CommonJS app');
    assert.notEqual(node16.code, 0, `module node16 should refuse to require an ES module:\n${node16.output}`);
    assert.match(node16.output, /error TS1479: The current file is a CommonJS module/);
    if (requireEsmByDefault(process.versions.node)) {
      const compiled = await runCommand(process.execPath, ['cjs/dist/server.js'], { cwd: ctx.app });
      assertOk(compiled, 'the compiled CommonJS app');
      assert.match(compiled.output, /GET \/health 200 \{"ok":true\}/);
    }
  });

  it('a DTO outside tsconfig "include": tsc names the file, tsx breaks its decorators, widening include fixes both', { timeout: STEP_MS }, async () => {
    const outside = await tsc7('-p', 'outside/tsconfig.json');
    assert.notEqual(outside.code, 0);
    assert.match(outside.output, /error TS6059: File '.*shared\/room-dto\.ts' is not under 'rootDir'/);
    // tsx compiles a file outside "include" without experimentalDecorators: class-validator's
    // decorators then run as standard decorators and throw while the class is defined.
    const underTsx = await runCommand(...tsx('outside/src/server.ts'), { cwd: ctx.app });
    assert.notEqual(underTsx.code, 0, underTsx.output);
    assert.match(underTsx.output, /TypeError: Cannot read properties of undefined \(reading 'constructor'\)[\s\S]*shared\/room-dto\.ts/);

    const fixed = await tsc7('-p', 'outside/tsconfig.fixed.json');
    assertOk(fixed, 'tsc with the DTO folder in include and rootDir "."');
    for (const [what, command, args] of [
      ['tsx --tsconfig outside/tsconfig.fixed.json', ...tsx('--tsconfig', 'outside/tsconfig.fixed.json', 'outside/src/server.ts')],
      ['node outside/dist/src/server.js', process.execPath, ['outside/dist/src/server.js']],
    ]) {
      const result = await runCommand(command, args, { cwd: ctx.app });
      assertOk(result, what);
      assert.match(result.output, /POST \/rooms 422 .*capacity must not be less than 2/, `${what}:\n${result.output}`);
    }
  });

  it("runs testing.md's node:test example, compiled by tsc, under node --test", { timeout: STEP_MS }, async () => {
    assertOk(await tsc7('-p', 'tsconfig.test.json'), 'tsc -p tsconfig.test.json');
    // The page's `dist-test/test/*.test.js`, expanded here as the shell would: Node 22 reads a
    // directory argument as a file name, Node 20 has no glob of its own.
    const files = readdirSync(join(ctx.app, 'dist-test', 'test'))
      .filter((f) => f.endsWith('.test.js'))
      .map((f) => join('dist-test', 'test', f));
    const result = await runCommand(process.execPath, ['--test', ...files], { cwd: ctx.app });
    assertOk(result, 'node --test dist-test/test/*.test.js');
    assert.match(result.output, /# pass 2\n# fail 0/, result.output);
  });

  it("runs testing.md's vitest example under vitest 3", { timeout: STEP_MS }, async () => {
    const result = await runCommand(process.execPath, [join(ctx.app, 'node_modules/vitest/vitest.mjs'), 'run', '--root', 'vitest'], { cwd: ctx.app });
    assertOk(result, 'vitest run');
    assert.match(result.output, /v3\.\d+\.\d+/);
    assert.match(result.output, /Tests\s+2 passed \(2\)/, result.output);
  });
});

/** Node loads an ES module with require() without a flag from 20.19 and 22.12 on. */
function requireEsmByDefault(version) {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
}
