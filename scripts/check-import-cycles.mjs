#!/usr/bin/env node
// Fails when the sources of a package import each other in a circle (type-only imports count:
// a circle of types is a circle of concepts). Reads every packages/*/src/**/*.ts except tests and
// follows the relative imports; prints each circle once, as a path of files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g;

function sources(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts') && !/\.(test|typetest)\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

/** The .ts file a relative `.js` specifier names, or undefined outside the sources. */
function target(from, specifier) {
  const path = resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
  return existsSync(path) ? path : undefined;
}

const circles = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(src)) continue;
  const graph = new Map();
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    graph.set(
      file,
      [...text.matchAll(IMPORT)].map((m) => target(file, m[1])).filter((t) => t !== undefined),
    );
  }
  // Depth-first search; a back edge to a file on the stack closes a circle.
  const state = new Map(); // 1: on the stack, 2: done
  const stack = [];
  const seen = new Set();
  const visit = (file) => {
    state.set(file, 1);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 1) {
        const circle = stack.slice(stack.indexOf(next)).map((f) => relative(root, f));
        const key = [...circle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          circles.push([...circle, relative(root, next)].join(' → '));
        }
      } else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(file, 2);
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
}

if (circles.length > 0) {
  console.error(`import circles (${circles.length}):\n${circles.map((c) => `  ${c}`).join('\n')}`);
  process.exit(1);
}
console.log('import circles: none');
