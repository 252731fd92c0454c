// Writes every checked block into a scratch project and type-checks all of them with one `tsc`.
//
// Each block is its own ES module (`moduleDetection: force`), so names never clash between
// blocks and top-level `await` is allowed. The scratch project sits inside the repository, so
// `@kindling/*`, `class-validator` and the rest resolve from the root node_modules exactly as
// they do for an app (the workspace packages must be built: their `exports` point at dist/).
// The same run emits JavaScript for the runnable blocks, so nothing is compiled twice.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * @typedef {import('./extract-blocks.mjs').Block & { page: string }} PageBlock
 *   A block with the repository-relative path of its page (`docs/testing.md`).
 */

/**
 * @typedef {object} Diagnostic
 * @property {string} location    `docs/page.md:LINE:COL`, or the compiler's own location.
 * @property {PageBlock | undefined} block  The block the error is in, if any.
 * @property {string} text        `error TS2322: ...` with any continuation lines.
 */

/**
 * The scratch file of a block: `blocks/<page path>/L<line>.ts`, mirroring the page's path so a
 * name is never shared by two blocks.
 *
 * @param {PageBlock} block
 */
export function scratchPath(block) {
  return join('blocks', ...block.page.split('/'), `L${block.line}.ts`);
}

/**
 * Writes the scratch project for `blocks` into `scratchDir` (emptied first) and runs `tsc -p`.
 *
 * @param {object} options
 * @param {string} options.root        Repository root (holds tsconfig.base.json and node_modules).
 * @param {string} options.scratchDir  Absolute path inside `root`.
 * @param {PageBlock[]} options.blocks Blocks to check; `no-check` blocks must be left out.
 * @returns {{ diagnostics: Diagnostic[], outDir: string, status: number }}
 */
export function typecheckBlocks({ root, scratchDir, blocks }) {
  rmSync(scratchDir, { recursive: true, force: true });
  mkdirSync(scratchDir, { recursive: true });

  /** @type {Map<string, PageBlock>} */
  const byFile = new Map();
  for (const block of blocks) {
    const file = scratchPath(block);
    byFile.set(file.split(sep).join('/'), block);
    mkdirSync(dirname(join(scratchDir, file)), { recursive: true });
    writeFileSync(join(scratchDir, file), block.code);
  }

  const outDir = join(scratchDir, 'out');
  writeFileSync(join(scratchDir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' })}\n`);
  const lookup = (file) => byFile.get(relative(scratchDir, resolve(scratchDir, file)).split(sep).join('/'));

  // tsc reports no semantic error while any file has a syntax error, so one broken block would
  // hide the type errors of all the others: check again without the blocks that failed, until
  // a pass reaches the semantic check (or nothing is left).
  /** @type {Diagnostic[]} */
  const diagnostics = [];
  let files = [...byFile.keys()];
  let status = 0;
  while (files.length > 0) {
    const pass = runTsc({ root, scratchDir, files });
    status = pass.status;
    const found = parseDiagnostics(pass.output, lookup);
    if (pass.status !== 0 && found.length === 0) {
      found.push({ location: 'tsc', block: undefined, text: pass.output.trim() || `tsc exited with ${pass.status}` });
    }
    diagnostics.push(...found);
    const failed = new Set(found.map((diagnostic) => diagnostic.block).filter(Boolean));
    const semantic = found.some((diagnostic) => Number(/TS(\d+)/.exec(diagnostic.text)?.[1] ?? 0) >= 2000);
    if (found.length === 0 || semantic || failed.size === 0) break;
    files = files.filter((file) => !failed.has(byFile.get(file)));
  }
  return { diagnostics, outDir, status };
}

/**
 * Writes the scratch tsconfig.json for `files` and runs `tsc -p` on it once.
 *
 * @param {{ root: string, scratchDir: string, files: string[] }} options
 * @returns {{ status: number, output: string }}
 */
function runTsc({ root, scratchDir, files }) {
  const tsconfig = {
    extends: relative(scratchDir, join(root, 'tsconfig.base.json')).split(sep).join('/'),
    compilerOptions: {
      rootDir: 'blocks',
      outDir: 'out',
      composite: false,
      incremental: false,
      declaration: false,
      declarationMap: false,
      sourceMap: true,
      noEmitOnError: false,
      moduleDetection: 'force',
    },
    files,
  };
  writeFileSync(join(scratchDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', scratchDir, '--pretty', 'false'], {
    cwd: scratchDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (tsc.error) throw tsc.error;
  return { status: tsc.status ?? 1, output: `${tsc.stdout}${tsc.stderr}` };
}

const HEADER = /^(.+?)\((\d+),(\d+)\): (error|warning) (.*)$/;

/**
 * Parses `tsc --pretty false` output, mapping scratch locations back to Markdown lines.
 *
 * @param {string} output
 * @param {(file: string) => PageBlock | undefined} lookup  Maps a file name as printed by tsc to its block.
 * @returns {Diagnostic[]}
 */
export function parseDiagnostics(output, lookup) {
  /** @type {Diagnostic[]} */
  const diagnostics = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const header = HEADER.exec(line);
    const last = diagnostics.at(-1);
    if (!header) {
      // Continuation of a multi-line message ("  Type 'x' is not assignable ..."), or a
      // diagnostic without a location ("error TS5083: Cannot read file ...").
      if (last && /^\s/.test(line)) last.text += `\n${line}`;
      else diagnostics.push({ location: 'tsc', block: undefined, text: line });
      continue;
    }
    const [, file = '', row = '0', col = '0', severity = 'error', message = ''] = header;
    const text = `${severity} ${message}`;
    const block = lookup(file);
    const location = block ? `${block.page}:${block.line + Number(row)}:${Number(col) + block.indent}` : `${file}:${row}:${col}`;
    diagnostics.push({ location, block, text });
  }
  return diagnostics;
}
