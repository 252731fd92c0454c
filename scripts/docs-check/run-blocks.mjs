// Executes the compiled `runnable` blocks, each in its own Node process with a time limit.
//
// A runnable block must end by itself (e.g. listen on port 0, make its request, shut down);
// one still running at the limit is killed and fails.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';

import { scratchPath } from './typecheck-blocks.mjs';

/** @default 20 s */
export const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * @typedef {object} RunResult
 * @property {import('./typecheck-blocks.mjs').PageBlock} block
 * @property {boolean} ok
 * @property {string} reason   Empty when ok: "exit code 1", "killed after 20000 ms", ...
 * @property {string} output   stdout and stderr, scratch locations mapped to Markdown lines.
 * @property {number} ms
 */

/**
 * Runs each block's compiled module `outDir/<page>/L<line>.js` with `node --enable-source-maps`.
 *
 * @param {object} options
 * @param {import('./typecheck-blocks.mjs').PageBlock[]} options.blocks
 * @param {string} options.scratchDir  Working directory of every block process.
 * @param {string} options.outDir      Where `tsc` emitted the blocks.
 * @param {number} [options.timeoutMs] Per block. @default DEFAULT_TIMEOUT_MS
 * @param {number} [options.concurrency] @default availableParallelism()
 * @returns {Promise<RunResult[]>} In the order of `blocks`.
 */
export async function runBlocks({ blocks, scratchDir, outDir, timeoutMs = DEFAULT_TIMEOUT_MS, concurrency = availableParallelism() }) {
  /** @type {RunResult[]} */
  const results = new Array(blocks.length);
  let next = 0;
  async function worker() {
    while (next < blocks.length) {
      const index = next++;
      const block = /** @type {import('./typecheck-blocks.mjs').PageBlock} */ (blocks[index]);
      results[index] = await runOne(block, { scratchDir, outDir, timeoutMs });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, blocks.length)) }, worker));
  return results;
}

/**
 * @param {import('./typecheck-blocks.mjs').PageBlock} block
 * @param {{ scratchDir: string, outDir: string, timeoutMs: number }} options
 * @returns {Promise<RunResult>}
 */
function runOne(block, { scratchDir, outDir, timeoutMs }) {
  const relative = scratchPath(block)
    .slice('blocks'.length + 1)
    .replace(/\.ts$/, '.js');
  const file = join(outDir, relative);
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd: scratchDir,
      env: blockEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    let timedOut = false;
    // SIGKILL, not SIGTERM: a block that handles signals could turn a hang into a clean exit.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ block, ok: false, reason: error.message, output, ms: Date.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const reason = timedOut
        ? `did not exit within ${timeoutMs} ms (a runnable block must end by itself)`
        : signal
          ? `killed by ${signal}`
          : code === 0
            ? ''
            : `exit code ${code}`;
      resolvePromise({
        block,
        ok: reason === '',
        reason,
        output: mapLocations(output, block, scratchDir),
        ms: Date.now() - started,
      });
    });
  });
}

/**
 * Rewrites `…/blocks/docs/page.md/L12.ts:3:5` in a stack trace to `docs/page.md:15:5`.
 *
 * @param {string} text
 * @param {import('./typecheck-blocks.mjs').PageBlock} block
 * @param {string} scratchDir
 */
export function mapLocations(text, block, scratchDir) {
  const file = join(scratchDir, scratchPath(block));
  const variants = [file, file.split(sep).join('/'), `file://${file.split(sep).join('/')}`];
  let mapped = text;
  for (const variant of variants.sort((a, b) => b.length - a.length)) {
    const pattern = new RegExp(`${escapeRegExp(variant)}:(\\d+)(?::(\\d+))?`, 'g');
    mapped = mapped.replace(pattern, (_, row, col) => `${block.page}:${block.line + Number(row)}${col ? `:${Number(col) + block.indent}` : ''}`);
  }
  return mapped;
}

/** The environment of a block: ours, minus the marker that would make a `node:test` block report to a parent runner. */
function blockEnv() {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
