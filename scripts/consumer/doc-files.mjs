// Reads the files a docs page tells a user to create, exactly as written there.
//
// A page names a file in one of two ways, and both count:
//   `package.json`:            a line of its own just before the fence, or
//   // test/rooms.test.ts      the first line inside the fence.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FENCE = /^(`{3,}|~{3,})(\S*)/;
const NAME_LINE = /^`([^`]+)`:\s*$/;
const NAME_COMMENT = /^\/\/ ([\w./-]+\.[cm]?[jt]s)\s*$/;

/**
 * @typedef {object} DocFile
 * @property {string} path       The file name the page gives, relative to the app.
 * @property {string} language   The fence's info string's first word (`json`, `ts`, ...).
 * @property {string} code       The block's text, ending with a newline.
 * @property {string} location   `docs/page.md:LINE` of the opening fence.
 */

/**
 * Every named code block of one page, in page order.
 *
 * @param {string} root  The repository root.
 * @param {string} page  Repository-relative path of the page.
 * @returns {DocFile[]}
 */
export function docFiles(root, page) {
  const lines = readFileSync(join(root, page), 'utf8').split(/\r?\n/);
  /** @type {DocFile[]} */
  const files = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '```';
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').startsWith(fence)) end++;
    const body = lines.slice(i + 1, end);
    const before = previousNonBlank(lines, i);
    const named = NAME_LINE.exec(before) ?? NAME_COMMENT.exec(body[0] ?? '');
    if (named?.[1]) {
      files.push({ path: named[1], language: open[2] ?? '', code: `${body.join('\n')}\n`, location: `${page}:${i + 1}` });
    }
    i = end;
  }
  return files;
}

/**
 * The one block a page names `path`; throws (naming the page) when there is none or several,
 * so a renamed or duplicated file in the docs fails the consumer test instead of being skipped.
 *
 * @param {DocFile[]} files
 * @param {string} path
 * @param {string} page
 * @param {(file: DocFile) => boolean} [which]  Picks among several blocks with the same name.
 * @returns {DocFile}
 */
export function oneFile(files, path, page, which = () => true) {
  const found = files.filter((file) => file.path === path && which(file));
  if (found.length !== 1) {
    throw new Error(`${page}: expected one code block for \`${path}\`, found ${found.length} (the consumer test builds its app from these blocks)`);
  }
  return /** @type {DocFile} */ (found[0]);
}

function previousNonBlank(lines, index) {
  for (let i = index - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line) return line;
  }
  return '';
}
