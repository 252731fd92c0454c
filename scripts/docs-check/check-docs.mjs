// Checks the TypeScript blocks of the docs: extract, type-check with one `tsc`, run the runnable ones.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

import { extractBlocks } from './extract-blocks.mjs';
import { DEFAULT_TIMEOUT_MS, runBlocks } from './run-blocks.mjs';
import { typecheckBlocks } from './typecheck-blocks.mjs';

/** The repository root. */
export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/**
 * @typedef {object} Failure
 * @property {string} page      `docs/page.md`
 * @property {string} location  `docs/page.md:LINE` or `docs/page.md:LINE:COL`
 * @property {string} kind      `markdown` | `type` | `run`
 * @property {string} message
 */

/**
 * @typedef {object} Report
 * @property {string[]} pages                 Pages read, repository-relative.
 * @property {import('./typecheck-blocks.mjs').PageBlock[]} blocks  Every ts block found.
 * @property {import('./typecheck-blocks.mjs').PageBlock[]} skipped The `no-check` blocks.
 * @property {import('./run-blocks.mjs').RunResult[]} runs
 * @property {Failure[]} failures
 */

/**
 * The pages whose blocks are checked: README.md and docs/**\/*.md, without the generated
 * API reference in docs/api/.
 *
 * @param {string} root
 * @returns {string[]} Repository-relative paths with `/`, sorted.
 */
export function findPages(root) {
  const pages = existsSync(join(root, 'README.md')) ? ['README.md'] : [];
  const walk = (dir) => {
    if (!existsSync(join(root, dir))) return;
    for (const entry of readdirSync(join(root, dir)).sort()) {
      const path = `${dir}/${entry}`;
      if (path === 'docs/api' || entry === 'node_modules') continue;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (entry.endsWith('.md')) pages.push(path);
    }
  };
  walk('docs');
  return pages;
}

/**
 * The workspace packages' `types` entry points that do not exist yet (the packages are not
 * built). Blocks import the packages by name, which resolves to their dist/ output.
 *
 * @param {string} root
 * @returns {string[]} Missing files, repository-relative.
 */
export function missingBuilds(root) {
  const missing = [];
  const packagesDir = join(root, 'packages');
  if (!existsSync(packagesDir)) return missing;
  for (const name of readdirSync(packagesDir)) {
    const manifest = join(packagesDir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const types = JSON.parse(readFileSync(manifest, 'utf8'))?.exports?.['.']?.types;
    if (typeof types === 'string' && !existsSync(join(packagesDir, name, types))) {
      missing.push(`packages/${name}/${types.replace(/^\.\//, '')}`);
    }
  }
  return missing;
}

/**
 * Extracts, type-checks and runs the TypeScript blocks of the given pages.
 *
 * @param {object} [options]
 * @param {string} [options.root]        @default ROOT
 * @param {string[]} [options.pages]     Paths relative to `root` (or absolute). @default findPages(root)
 * @param {string} [options.scratchDir]  Inside `root`, so packages resolve from its node_modules; emptied first. @default `<root>/.docs-check/docs`
 * @param {boolean} [options.run]        Execute `runnable` blocks. @default true
 * @param {number} [options.timeoutMs]   Per runnable block. @default 20000
 * @returns {Promise<Report>}
 */
export async function checkDocs({ root = ROOT, pages, scratchDir, run = true, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const pageList = (pages ?? findPages(root)).map((page) => displayPath(root, page));
  /** @type {Failure[]} */
  const failures = [];
  /** @type {import('./typecheck-blocks.mjs').PageBlock[]} */
  const blocks = [];

  for (const page of pageList) {
    const markdown = readFileSync(isAbsolute(page) ? page : join(root, page), 'utf8');
    const found = extractBlocks(markdown);
    for (const problem of found.problems) {
      failures.push({ page, location: `${page}:${problem.line}`, kind: 'markdown', message: problem.message });
    }
    for (const block of found.blocks) blocks.push({ ...block, page });
  }

  const checked = blocks.filter((block) => !block.noCheck);
  const skipped = blocks.filter((block) => block.noCheck);
  const scratch = resolve(scratchDir ?? join(root, '.docs-check', 'docs'));
  // The scratch directory is emptied on every run: never let it be the root or outside it.
  if (!scratch.startsWith(`${resolve(root)}${sep}`)) throw new Error(`scratchDir must be inside ${root}: ${scratch}`);
  const { diagnostics, outDir } = typecheckBlocks({ root, scratchDir: scratch, blocks: checked });
  const broken = new Set();
  for (const diagnostic of diagnostics) {
    if (diagnostic.block) broken.add(diagnostic.block);
    failures.push({
      page: diagnostic.block?.page ?? '(compiler)',
      location: diagnostic.location,
      kind: 'type',
      message: diagnostic.text,
    });
  }

  /** @type {import('./run-blocks.mjs').RunResult[]} */
  let runs = [];
  if (run) {
    // A block that does not type-check is already reported; running it would only add noise.
    const runnable = checked.filter((block) => block.runnable && !broken.has(block));
    const unattributed = diagnostics.some((diagnostic) => !diagnostic.block);
    runs = unattributed ? [] : await runBlocks({ blocks: runnable, scratchDir: scratch, outDir, timeoutMs });
    for (const result of runs) {
      if (result.ok) continue;
      const location = `${result.block.page}:${result.block.line}`;
      const output = result.output.trim();
      failures.push({
        page: result.block.page,
        location,
        kind: 'run',
        message: `runnable block failed: ${result.reason}${output ? `\n${indentText(tail(output, 40))}` : ''}`,
      });
    }
  }
  failures.sort((a, b) => a.page.localeCompare(b.page) || lineOf(a.location) - lineOf(b.location));
  return { pages: pageList, blocks, skipped, runs, failures };
}

/**
 * The report as printed by `scripts/check-docs.mjs`: one entry per failure, the `no-check`
 * blocks, then a summary line.
 *
 * @param {Report} report
 * @returns {string}
 */
export function formatReport(report) {
  const lines = [];
  for (const failure of report.failures) lines.push(`${failure.location} ${failure.message}`);
  if (report.skipped.length) {
    lines.push(`not type-checked (no-check): ${report.skipped.map((block) => `${block.page}:${block.line}`).join(', ')}`);
  }
  const failedPages = new Set(report.failures.map((failure) => failure.page));
  const runsFailed = report.runs.filter((result) => !result.ok).length;
  lines.push(
    `docs: ${report.blocks.length} ts blocks in ${report.pages.length} pages, ` +
      `${report.blocks.length - report.skipped.length} type-checked, ${report.skipped.length} no-check, ` +
      `${report.runs.length} run (${runsFailed} failed); ` +
      `${report.failures.length} problems in ${failedPages.size} pages`,
  );
  return lines.join('\n');
}

function displayPath(root, page) {
  const rel = isAbsolute(page) ? relative(root, page) : page;
  // Pages outside the root (test fixtures) keep their absolute path.
  return rel.startsWith('..') ? page : rel.split(sep).join('/');
}

function lineOf(location) {
  return Number(/:(\d+)(?::\d+)?$/.exec(location)?.[1] ?? 0);
}

function tail(text, count) {
  const lines = text.split('\n');
  return lines.length > count ? ['...', ...lines.slice(-count)].join('\n') : text;
}

function indentText(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
