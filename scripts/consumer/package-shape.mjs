// What a published package must carry, checked on the file list `npm pack` produced. Each rule
// returns problems as sentences naming the package and the file, so one run shows them all.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Dependencies an app's own code also imports, so the app and Kindling must share one copy. */
export const SHARED_WITH_THE_APP = ['class-validator', 'reflect-metadata'];

const TEST_FILE = /\.(test|case|typetest)\.[cm]?[jt]s(\.map)?$|\.(test|case|typetest)\.d\.[cm]?ts(\.map)?$/;
const RELATIVE_IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"\n;]*?(?:from\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
const BARE_IMPORT = /(?:^|\n)import\s*['"][^'"]+['"];/;

/**
 * @param {string} root
 * @param {import('./consumer-app.mjs').PackedPackage[]} packs
 * @returns {string[]}
 */
export function packageProblems(root, packs) {
  const problems = [];
  const versions = new Set(packs.map((p) => p.version));
  if (versions.size !== 1) problems.push(`the packages have different versions (${[...versions].join(', ')}); they are released together at one version`);
  const engines = new Set();
  for (const pack of packs) {
    const dir = join(root, pack.dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const files = new Set(pack.files);
    const say = (text) => problems.push(`${pack.name}: ${text}`);

    for (const required of ['package.json', 'README.md', 'LICENSE']) if (!files.has(required)) say(`${required} is not in the tarball`);
    for (const file of files) {
      if (file.endsWith('.tsbuildinfo')) say(`ships build info ${file}`);
      if (TEST_FILE.test(file)) say(`ships test file ${file}`);
    }

    if (manifest.license !== 'MIT') say(`license is ${manifest.license}, expected MIT`);
    else if (files.has('LICENSE') && !readFileSync(join(dir, 'LICENSE'), 'utf8').startsWith('MIT License')) say('LICENSE is not the MIT license');
    if (typeof manifest.engines?.node !== 'string') say('declares no engines.node');
    else engines.add(manifest.engines.node);
    if (manifest.type !== 'module') say('is not "type": "module"');
    if (manifest.sideEffects === undefined) say('declares no sideEffects (false, or the files that have them)');
    for (const entry of Array.isArray(manifest.sideEffects) ? manifest.sideEffects : []) {
      if (!files.has(posix.normalize(entry))) say(`sideEffects lists ${entry}, which is not in the tarball`);
    }

    for (const target of exportTargets(manifest.exports)) {
      if (!files.has(posix.normalize(target))) say(`exports ${target}, which is not in the tarball`);
    }

    for (const field of ['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
        if (name.startsWith('@kindling/') && spec !== pack.version) say(`${field}.${name} is "${spec}", not this release's version ${pack.version}`);
      }
    }
    for (const name of SHARED_WITH_THE_APP) {
      if (manifest.dependencies?.[name]) say(`${name} is a dependency; it must be a peer dependency so the app and Kindling share one copy`);
    }

    for (const file of files) {
      if (file.endsWith('.map')) {
        const map = JSON.parse(readFileSync(join(dir, file), 'utf8'));
        for (const source of map.sources ?? []) {
          const resolved = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
          if (!files.has(resolved)) say(`${file} names ${source}, which is not in the tarball`);
        }
      }
      if (/\.(js|d\.ts)$/.test(file) && file.startsWith('dist/')) {
        const text = readFileSync(join(dir, file), 'utf8');
        for (const match of text.matchAll(RELATIVE_IMPORT)) {
          const specifier = /** @type {string} */ (match[1]);
          const target = posix.normalize(posix.join(posix.dirname(file), specifier));
          const candidates = file.endsWith('.d.ts') ? [target.replace(/\.js$/, '.d.ts'), target] : [target];
          if (!candidates.some((c) => files.has(c))) say(`${file} imports ${specifier}, which is not in the tarball`);
        }
        if (file.endsWith('.js') && BARE_IMPORT.test(text) && !coversSideEffects(manifest.sideEffects, file)) {
          say(`${file} has a side-effect import but sideEffects does not list it`);
        }
      }
    }

    const readme = files.has('README.md') ? readFileSync(join(dir, 'README.md'), 'utf8') : '';
    for (const heading of ['## Install', '## Example', '## Documentation'])
      if (readme && !readme.includes(heading)) say(`README.md has no "${heading}" section`);
    if (readme && !/```ts\n/.test(readme)) say('README.md has no ```ts example');
    for (const [, link] of readme.matchAll(/\]\((\.\.\/[^)#]+)/g)) {
      try {
        readFileSync(join(dir, /** @type {string} */ (link)));
      } catch {
        say(`README.md links to ${link}, which does not exist in the repository`);
      }
    }
  }
  if (engines.size > 1) problems.push(`the packages declare different engines.node (${[...engines].join(', ')})`);
  return problems;
}

/** Every file path an `exports` map points at. */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

function coversSideEffects(sideEffects, file) {
  if (sideEffects === true) return true;
  if (!Array.isArray(sideEffects)) return false;
  return sideEffects.some((entry) => posix.normalize(entry) === posix.normalize(file));
}
