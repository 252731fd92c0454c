// Every ```ts block in README.md and docs/ type-checks against the built packages, and every
// ```ts runnable block runs to a clean exit: one test per page, failures at `page.md:LINE`.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { checkDocs, findPages, missingBuilds, ROOT } from './check-docs.mjs';

const scratchDir = join(ROOT, '.docs-check', `test-docs-${process.pid}`);
after(() => rmSync(scratchDir, { recursive: true, force: true }));

const missing = missingBuilds(ROOT);
const report = missing.length ? undefined : await checkDocs({ scratchDir });

test('the packages are built, so the docs can import them', () => {
  assert.deepEqual(missing, [], 'build first: npx turbo run build');
});

for (const page of findPages(ROOT)) {
  test(page, (t) => {
    assert.ok(report, 'not checked: the packages are not built');
    const blocks = report.blocks.filter((block) => block.page === page);
    const skipped = blocks.filter((block) => block.noCheck).map((block) => `${page}:${block.line}`);
    const ran = report.runs.filter((result) => result.block.page === page).length;
    t.diagnostic(`${blocks.length} ts blocks, ${ran} run${skipped.length ? `, no-check: ${skipped.join(', ')}` : ''}`);
    const failures = report.failures.filter((failure) => failure.page === page);
    assert.equal(failures.length, 0, failures.map((failure) => `${failure.location} ${failure.message}`).join('\n'));
  });
}

test('no failure outside a page (compiler or configuration errors)', () => {
  assert.ok(report, 'not checked: the packages are not built');
  const pages = new Set(report.pages);
  const stray = report.failures.filter((failure) => !pages.has(failure.page));
  assert.equal(stray.length, 0, stray.map((failure) => `${failure.location} ${failure.message}`).join('\n'));
});
