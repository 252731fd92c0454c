import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '@kindling/core';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

test('docs/errors.md lists every error code with its HTTP status and close code', () => {
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `docs/errors.md has no row for ${code}`);
    const cells = row.split('|').map((c) => c.trim());
    assert.equal(cells[2], String(entry.status), `${code}: HTTP status in docs`);
    assert.equal(cells[3], String(entry.closeCode), `${code}: close code in docs`);
  }
});

test('docs/errors.md lists no code that does not exist', () => {
  const listed = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  for (const code of listed) assert.ok(code && code in ERROR_CODES, `docs/errors.md lists unknown code ${code}`);
});
