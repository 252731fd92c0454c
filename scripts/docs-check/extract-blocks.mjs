// Finds the TypeScript code blocks in a Markdown page.
//
// A block is a fenced code block (``` or ~~~, at any indentation so blocks inside list items
// count) whose info string starts with `ts` or `typescript`. Words after the language are flags:
// `runnable` (compile and execute it) and `no-check` (skip it). Any other word is reported as an
// error, so a typo such as `ts runable` cannot silently turn a check off.

/** Languages whose blocks are checked. */
export const LANGUAGES = new Set(['ts', 'typescript']);

/** Flags a block may carry after its language. */
export const FLAGS = new Set(['runnable', 'no-check']);

const OPENING = /^( *)(`{3,}|~{3,})(.*)$/;

/**
 * @typedef {object} Block
 * @property {number} line        1-based Markdown line of the opening fence.
 * @property {number} indent      Spaces of the fence's indentation, removed from every code line.
 * @property {string} info        The info string as written (trimmed).
 * @property {boolean} runnable   Marked `runnable`.
 * @property {boolean} noCheck    Marked `no-check`.
 * @property {string} code        The code, one line per Markdown line, ending with a newline.
 */

/**
 * @typedef {object} ExtractProblem
 * @property {number} line        1-based Markdown line.
 * @property {string} message
 */

/**
 * Extracts every `ts`/`typescript` fenced block of one Markdown text.
 *
 * Line `n` (1-based) of `block.code` is Markdown line `block.line + n`, and a column in it is
 * the Markdown column plus `block.indent`, so diagnostics map back exactly.
 *
 * @param {string} markdown
 * @returns {{ blocks: Block[], problems: ExtractProblem[] }}
 */
export function extractBlocks(markdown) {
  const lines = markdown.split(/\r?\n/);
  /** @type {Block[]} */
  const blocks = [];
  /** @type {ExtractProblem[]} */
  const problems = [];

  let i = 0;
  while (i < lines.length) {
    const open = OPENING.exec(lines[i] ?? '');
    if (!open) {
      i++;
      continue;
    }
    const indent = open[1]?.length ?? 0;
    const fence = open[2] ?? '';
    const info = (open[3] ?? '').trim();
    // A backtick fence's info string cannot contain a backtick (CommonMark): that is inline code.
    if (fence[0] === '`' && info.includes('`')) {
      i++;
      continue;
    }
    const openingLine = i + 1;
    const closing = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},} *$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end] ?? '')) end++;
    if (end >= lines.length) {
      problems.push({ line: openingLine, message: `code fence ${fence} is never closed` });
      break;
    }

    const [language = '', ...flags] = info.split(/\s+/).filter(Boolean);
    if (LANGUAGES.has(language.toLowerCase())) {
      const unknown = flags.filter((flag) => !FLAGS.has(flag));
      for (const flag of unknown) {
        problems.push({
          line: openingLine,
          message: `unknown flag "${flag}" in \`${info}\` (known: ${[...FLAGS].join(', ')})`,
        });
      }
      const runnable = flags.includes('runnable');
      const noCheck = flags.includes('no-check');
      if (runnable && noCheck) {
        problems.push({ line: openingLine, message: 'a runnable block must type-check: drop "no-check"' });
      }
      const body = lines.slice(i + 1, end).map((line) => dedent(line, indent));
      blocks.push({
        line: openingLine,
        indent,
        info,
        runnable,
        noCheck,
        code: body.length ? `${body.join('\n')}\n` : '',
      });
    }
    i = end + 1;
  }
  return { blocks, problems };
}

/** Removes up to `indent` leading spaces, as CommonMark does for an indented fence. */
function dedent(line, indent) {
  let n = 0;
  while (n < indent && line[n] === ' ') n++;
  return line.slice(n);
}
