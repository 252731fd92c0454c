// Unit tests of the docs checker's Markdown and diagnostic parsing (no compiler involved).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { extractBlocks } from './extract-blocks.mjs';
import { mapLocations } from './run-blocks.mjs';
import { parseDiagnostics, scratchPath } from './typecheck-blocks.mjs';

test('finds ts and typescript blocks with their opening line, and ignores other languages', () => {
  const md = ['# T', '', '```ts', 'const a = 1;', '```', '', '```js', 'x', '```', '```TypeScript', 'let b;', '```', '```', 'plain', '```'].join('\n');
  const { blocks, problems } = extractBlocks(md);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    blocks.map((b) => [b.line, b.code]),
    [
      [3, 'const a = 1;\n'],
      [10, 'let b;\n'],
    ],
  );
});

test('reads the runnable and no-check flags', () => {
  const md = '```ts runnable\na\n```\n```typescript no-check\nb\n```\n';
  const [run, skip] = extractBlocks(md).blocks;
  assert.equal(run?.runnable, true);
  assert.equal(run?.noCheck, false);
  assert.equal(skip?.runnable, false);
  assert.equal(skip?.noCheck, true);
});

test('an unknown flag is a problem, not a silently unchecked block', () => {
  const { blocks, problems } = extractBlocks('text\n```ts runable\na\n```\n');
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0]?.runnable, false);
  assert.deepEqual(
    problems.map((p) => p.line),
    [2],
  );
  assert.match(problems[0]?.message ?? '', /unknown flag "runable"/);
});

test('runnable together with no-check is a problem', () => {
  const { problems } = extractBlocks('```ts runnable no-check\na\n```\n');
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.message ?? '', /must type-check/);
});

test('an unclosed fence is a problem at its opening line', () => {
  const { blocks, problems } = extractBlocks('a\n\n```ts\nconst x = 1;\n');
  assert.equal(blocks.length, 0);
  assert.deepEqual(
    problems.map((p) => p.line),
    [3],
  );
});

test('a block indented in a list item is dedented by the fence indentation', () => {
  const md = '- item\n\n  ```ts\n  const a = 1;\n    nested();\n  ```\n';
  const [block] = extractBlocks(md).blocks;
  assert.equal(block?.indent, 2);
  assert.equal(block?.code, 'const a = 1;\n  nested();\n');
});

test('a longer fence is closed only by a fence at least as long, of the same character', () => {
  const md = '````ts\n```\nnot the end\n~~~\n````\nafter\n';
  const { blocks } = extractBlocks(md);
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0]?.code, '```\nnot the end\n~~~\n');
});

test('blocks inside another fence are not blocks', () => {
  const md = '````md\n```ts\nnot code\n```\n````\n';
  assert.deepEqual(extractBlocks(md).blocks, []);
});

test('an empty block has empty code', () => {
  assert.equal(extractBlocks('```ts\n```\n').blocks[0]?.code, '');
});

test('CRLF line endings give the same lines', () => {
  const [block] = extractBlocks('x\r\n```ts\r\nconst a = 1;\r\n```\r\n').blocks;
  assert.equal(block?.line, 2);
  assert.equal(block?.code, 'const a = 1;\n');
});

const block = { page: 'docs/page.md', line: 10, indent: 2, info: 'ts', runnable: false, noCheck: false, code: '' };

test('scratch paths mirror the page path', () => {
  assert.equal(scratchPath(block), 'blocks/docs/page.md/L10.ts');
});

test('tsc diagnostics map to Markdown line and column, with continuation lines kept', () => {
  const output = [
    "blocks/docs/page.md/L10.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
    "  Types of property 'a' are incompatible.",
    'other.ts(1,1): error TS1005: x',
    'error TS5083: Cannot read file',
  ].join('\n');
  const diagnostics = parseDiagnostics(output, (file) => (file === 'blocks/docs/page.md/L10.ts' ? block : undefined));
  assert.deepEqual(
    diagnostics.map((d) => [d.location, d.text]),
    [
      ['docs/page.md:13:7', "error TS2322: Type 'string' is not assignable to type 'number'.\n  Types of property 'a' are incompatible."],
      ['other.ts:1:1', 'error TS1005: x'],
      ['tsc', 'error TS5083: Cannot read file'],
    ],
  );
  assert.equal(diagnostics[0]?.block, block);
});

test('stack trace locations map to Markdown lines', () => {
  const trace =
    'Error: boom\n    at <anonymous> (/repo/.docs-check/docs/blocks/docs/page.md/L10.ts:4:9)\n    at file:///repo/.docs-check/docs/blocks/docs/page.md/L10.ts:2';
  assert.equal(mapLocations(trace, block, '/repo/.docs-check/docs'), 'Error: boom\n    at <anonymous> (docs/page.md:14:11)\n    at docs/page.md:12');
});
