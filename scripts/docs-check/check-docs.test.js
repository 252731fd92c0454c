// End-to-end tests of the docs checker on a fixture page: the real compiler and real processes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { checkDocs, formatReport, missingBuilds, ROOT } from './check-docs.mjs';

const fixture = `# Fixture

A block in a list item, with a type error on its second line:

- item

  \`\`\`ts
  import { Router } from '@kindling/core';
  const wrong: number = new Router();
  \`\`\`

A syntax error must not hide the type errors of the other blocks:

\`\`\`ts
const broken = ;
\`\`\`

Two blocks may declare the same names: each is its own module.

\`\`\`ts
const shared = 1;
export {};
\`\`\`

\`\`\`ts
const shared = 'two';
\`\`\`

\`\`\`ts no-check
this is not TypeScript at all
\`\`\`

\`\`\`ts runnable
import { get } from 'node:http';
import { App, Router } from '@kindling/core';
const app = new App(new Router().get('/x', () => ({ ok: true })), { logger: false });
const port = await app.listen({ port: 0, host: '127.0.0.1' });
const status = await new Promise<number>((resolve, reject) => {
  get({ host: '127.0.0.1', port, path: '/x', agent: false }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject);
});
if (status !== 200) throw new Error(\`status \${status}\`);
await app.shutdown();
\`\`\`

\`\`\`ts runnable
const value: number = 1;
throw new Error(\`boom \${value}\`);
\`\`\`

\`\`\`ts runnable
setInterval(() => {}, 1000);
\`\`\`

\`\`\`ts runnable
const notRun: string = 42;
console.log(notRun);
\`\`\`

\`\`\`ts runable
export {};
\`\`\`
`;

let dir = '';
let page = '';
const scratchDir = join(ROOT, '.docs-check', `test-fixture-${process.pid}`);
/** @type {import('./check-docs.mjs').Report} */
let report;

const RUN_TIMEOUT_MS = 15_000;

before(async () => {
  assert.deepEqual(missingBuilds(ROOT), [], 'build the packages first: npx turbo run build');
  dir = mkdtempSync(join(tmpdir(), 'kindling-docs-check-'));
  page = join(dir, 'fixture.md');
  writeFileSync(page, fixture);
  // Long enough for the app block to start and stop on a loaded machine (the whole suite runs
  // beside it); the hanging block costs this much once.
  report = await checkDocs({ pages: [page], scratchDir, timeoutMs: RUN_TIMEOUT_MS });
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(scratchDir, { recursive: true, force: true });
});

/** @param {string} kind */
const failuresOf = (kind) => report.failures.filter((f) => f.kind === kind);

/** The 1-based fixture line holding `text`. */
const at = (text) => {
  const index = fixture.split('\n').findIndex((line) => line.includes(text));
  assert.notEqual(index, -1, text);
  return index + 1;
};
/** The opening fence line of the block whose first code line holds `text`. */
const fenceOf = (text) => at(text) - 1;

test('finds every ts block and skips the no-check one', () => {
  const fences = fixture.split('\n').flatMap((line, i) => (/^ *```ts/.test(line) ? [i + 1] : []));
  assert.equal(fences.length, 10);
  assert.deepEqual(
    report.blocks.map((b) => b.line),
    fences,
  );
  assert.deepEqual(
    report.skipped.map((b) => b.line),
    [fenceOf('this is not TypeScript')],
  );
});

test('type errors are reported at the Markdown line and column, also after a syntax error elsewhere', () => {
  const types = failuresOf('type').map((f) => `${f.location.slice(page.length)} ${f.message.split(':')[0]}`);
  assert.deepEqual(types, [`:${at('const wrong')}:9 error TS2322`, `:${at('const broken')}:16 error TS1109`, `:${at('const notRun')}:7 error TS2322`]);
});

test('blocks that share names do not clash', () => {
  const shared = [at('const shared = 1'), at("const shared = 'two'")];
  assert.deepEqual(
    report.failures.filter((f) => shared.some((line) => f.location.startsWith(`${page}:${line}:`))),
    [],
  );
});

test('a runnable block that starts and stops an app passes', () => {
  const ok = report.runs.find((r) => r.block.line === fenceOf("import { get } from 'node:http'"));
  assert.equal(ok?.ok, true, ok?.output);
});

test('a runnable block that throws fails, with its stack mapped to the page', () => {
  const [thrown] = failuresOf('run').filter((f) => f.location === `${page}:${fenceOf('const value: number')}`);
  assert.ok(thrown, formatReport(report));
  assert.match(thrown.message, /exit code 1/);
  assert.match(thrown.message, /boom 1/);
  assert.ok(thrown.message.includes(`${page}:${at('throw new Error(`boom')}:7`), thrown.message);
});

test('a runnable block that never exits is killed at the timeout and fails', () => {
  const [hung] = failuresOf('run').filter((f) => f.location === `${page}:${fenceOf('setInterval')}`);
  assert.ok(hung, formatReport(report));
  assert.match(hung.message, new RegExp(`did not exit within ${RUN_TIMEOUT_MS} ms`));
});

test('a runnable block with a type error is reported once and not run', () => {
  assert.deepEqual(
    report.runs.map((r) => r.block.line),
    [fenceOf("import { get } from 'node:http'"), fenceOf('const value: number'), fenceOf('setInterval')],
  );
});

test('a misspelt flag is a failure', () => {
  const [flag] = failuresOf('markdown');
  assert.equal(flag?.location, `${page}:${at('```ts runable')}`);
  assert.match(flag?.message ?? '', /unknown flag "runable"/);
});

test('the summary counts blocks, skips and runs, and lists the no-check blocks', () => {
  const lines = formatReport(report).split('\n');
  assert.equal(lines.at(-1), 'docs: 10 ts blocks in 1 pages, 9 type-checked, 1 no-check, 3 run (2 failed); 6 problems in 1 pages');
  assert.equal(lines.at(-2), `not type-checked (no-check): ${page}:${fenceOf('this is not TypeScript')}`);
});

test('a scratch directory outside the repository is refused', async () => {
  await assert.rejects(checkDocs({ pages: [page], scratchDir: dir }), /scratchDir must be inside/);
  await assert.rejects(checkDocs({ pages: [page], scratchDir: ROOT }), /scratchDir must be inside/);
});
