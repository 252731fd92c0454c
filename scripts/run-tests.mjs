#!/usr/bin/env node
// Builds every test project (after `turbo run build` built the packages) and runs all compiled
// tests once per engine, each run one `node --test` invocation with its own summary:
// KINDLING_ENGINE=uws then KINDLING_ENGINE=node where native uWS loads (Node 16-20), only node
// elsewhere. `KINDLING_ENGINE=node npm test` (or uws) runs one engine. The consumer test runs
// once, beside them (below).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const groups = ['packages', 'examples'];

const testProjects = [];
for (const group of groups) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    if (group === 'examples') {
      if (existsSync(join(dir, name, 'tsconfig.json'))) testProjects.push(join(group, name, 'tsconfig.json'));
      continue;
    }
    // packages/<name>/test*/tsconfig.json: the socket tests, and variant builds such as test-nometa.
    for (const sub of readdirSync(join(dir, name))) {
      if (sub.startsWith('test') && existsSync(join(dir, name, sub, 'tsconfig.json'))) testProjects.push(join(group, name, sub, 'tsconfig.json'));
    }
  }
}
if (existsSync(join(root, 'bench', 'tsconfig.json'))) testProjects.push('bench/tsconfig.json');

const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...testProjects], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const files = [];
function collect(dir) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path);
    else if (entry.endsWith('.test.js')) files.push(path);
  }
}
const only = process.argv.slice(2);
for (const group of [...groups, 'bench']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of group === 'bench' ? ['.'] : readdirSync(dir)) {
    const base = join(dir, name);
    if (!existsSync(base) || !statSync(base).isDirectory()) continue;
    for (const out of readdirSync(base)) {
      if (out === 'dist' || out.startsWith('dist-test')) collect(join(base, out));
    }
  }
}
// The repository's own scripts (the docs checker) have plain ESM tests, run as they are.
collect(join(root, 'scripts'));
// A compiled test whose source was deleted or renamed stays in its dist folder (tsc never removes
// output): its source map names the source, so such a leftover is left out, loudly.
function sourceOf(file) {
  const map = `${file}.map`;
  if (!existsSync(map)) return undefined;
  const [source] = JSON.parse(readFileSync(map, 'utf8')).sources ?? [];
  return source === undefined ? undefined : join(dirname(map), source);
}
const stale = files.filter((f) => {
  const source = sourceOf(f);
  return source !== undefined && !existsSync(source);
});
if (stale.length > 0) {
  console.log(
    `\n#### SKIPPED ${stale.length} compiled test(s) whose source is gone (delete them or clean the dist folders): ${stale.map((f) => relative(root, f)).join(', ')}\n`,
  );
}
const current = files.filter((f) => !stale.includes(f));
let selected = only.length ? current.filter((f) => only.some((o) => f.includes(o))) : current;
const nativeUws = Number(process.versions.node.split('.')[0]) <= 20;
// @kindling/websocket's socket tests drive its hub on a hand-made uWebSockets.js app, with no
// @kindling/core engine in between: engine-specific by nature, so they need native uWS.
const uwsOnly = join('packages', 'websocket', 'dist-test');
if (!nativeUws && selected.some((f) => f.includes(uwsOnly))) {
  console.log(`\n#### SKIPPED: ${uwsOnly} (the hub on a hand-made uWS app) needs native uWebSockets.js, which has no binary for Node ${process.version}\n`);
  selected = selected.filter((f) => !f.includes(uwsOnly));
}
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// The consumer test (scripts/consumer/) packs and installs the packages into an app outside the
// repository and runs it as a user would, with the app's default engine. That takes minutes,
// not the 60 s a file gets here, and does not depend on KINDLING_ENGINE: it runs once, beside
// the suite, in a runner of its own; its report, written to a file, is printed after the suite's.
const consumerDir = join(root, 'scripts', 'consumer');
const consumerFiles = selected.filter((f) => f.startsWith(consumerDir));
const suiteFiles = selected.filter((f) => !f.startsWith(consumerDir));
const consumer = consumerFiles.length ? startConsumer(consumerFiles) : undefined;
const asked = process.env.KINDLING_ENGINE;
const engines = asked === 'uws' || asked === 'node' ? [asked] : nativeUws ? ['uws', 'node'] : ['node'];
let status = 0;
for (const engine of suiteFiles.length ? engines : []) {
  console.log(`\n# Node ${process.version}, engine ${engine}: ${suiteFiles.length} test files\n`);
  const code = await runNodeTest(suiteFiles, 60_000, 'inherit', { KINDLING_ENGINE: engine });
  if (code !== 0) status = code;
}
const consumerStatus = consumer ? await consumer.report() : 0;
process.exit(status || consumerStatus);

function runNodeTest(testFiles, timeoutMs, stdio, env = {}) {
  const args = ['--test', '--test-reporter=spec', `--test-timeout=${timeoutMs}`, '--test-concurrency=2', ...testFiles];
  const child = spawn(process.execPath, args, { cwd: root, stdio, env: { ...process.env, KINDLING_TEST: '1', ...env } });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

function startConsumer(testFiles) {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-consumer-report-'));
  const report = join(dir, 'report.txt');
  const fd = openSync(report, 'w');
  const running = runNodeTest(testFiles, 15 * 60_000, ['ignore', fd, fd]);
  return {
    /** Waits for the consumer runner, then prints its report (after the suite's output). */
    report: async () => {
      const code = await running;
      closeSync(fd);
      console.log(`\n# ${testFiles.map((f) => relative(root, f)).join(', ')} (once, beside the suite)\n`);
      process.stdout.write(readFileSync(report, 'utf8'));
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
