#!/usr/bin/env node
// Builds every test project (after `turbo run build` built the packages) and runs all compiled
// tests once per engine, each run one `node --test` invocation with its own summary:
// KINDLING_ENGINE=uws then KINDLING_ENGINE=node where native uWS loads (Node 16-20), only node
// elsewhere. `KINDLING_ENGINE=node npm test` (or uws) runs one engine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
let selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
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
const asked = process.env.KINDLING_ENGINE;
const engines = asked === 'uws' || asked === 'node' ? [asked] : nativeUws ? ['uws', 'node'] : ['node'];
let status = 0;
for (const engine of engines) {
  console.log(`\n# Node ${process.version}, engine ${engine}: ${selected.length} test files\n`);
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-timeout=60000', '--test-concurrency=2', ...selected], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, KINDLING_TEST: '1', KINDLING_ENGINE: engine },
  });
  if (run.status !== 0) status = run.status ?? 1;
}
process.exit(status);
