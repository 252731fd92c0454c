#!/usr/bin/env node
// Type-checks every ```ts block in README.md and docs/**/*.md against the built packages, and
// executes the blocks marked ```ts runnable. Build first: `npx turbo run build`.
//
//   node scripts/check-docs.mjs [--no-run] [--timeout=MS] [--list] [PAGE-SUBSTRING...]
//
// Errors print as `docs/page.md:LINE:COL error TS....`; exit code 1 when anything failed.
// Info strings: ```ts (checked), ```ts runnable (checked, then run with node; must exit by
// itself within the timeout), ```ts no-check (skipped and listed in the summary).
import { checkDocs, findPages, formatReport, missingBuilds, ROOT } from './docs-check/check-docs.mjs';
import { DEFAULT_TIMEOUT_MS } from './docs-check/run-blocks.mjs';

const args = process.argv.slice(2);
let run = true;
let list = false;
let timeoutMs = DEFAULT_TIMEOUT_MS;
const filters = [];
for (const arg of args) {
  if (arg === '--no-run') run = false;
  else if (arg === '--list') list = true;
  else if (arg.startsWith('--timeout=')) timeoutMs = Number(arg.slice('--timeout='.length));
  else if (arg === '--help' || arg === '-h') {
    console.log('usage: node scripts/check-docs.mjs [--no-run] [--timeout=MS] [--list] [PAGE-SUBSTRING...]');
    process.exit(0);
  } else if (arg.startsWith('-')) {
    console.error(`unknown option ${arg}`);
    process.exit(2);
  } else filters.push(arg);
}
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error('--timeout must be a positive number of milliseconds');
  process.exit(2);
}

const missing = missingBuilds(ROOT);
if (missing.length) {
  console.error(`docs: the packages are not built (missing ${missing.join(', ')}); run \`npx turbo run build\` first`);
  process.exit(1);
}

const pages = findPages(ROOT).filter((page) => filters.length === 0 || filters.some((filter) => page.includes(filter)));
if (pages.length === 0) {
  console.error(`docs: no page matches ${filters.join(', ')}`);
  process.exit(1);
}

const started = Date.now();
const report = await checkDocs({ pages, run, timeoutMs });
if (list) {
  for (const block of report.blocks) {
    const flags = [block.runnable && 'runnable', block.noCheck && 'no-check'].filter(Boolean).join(' ');
    console.log(`${block.page}:${block.line}${flags ? ` (${flags})` : ''}`);
  }
}
console.log(`${formatReport(report)} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
process.exit(report.failures.length ? 1 : 0);
