// Builds an app outside the repository the way a user would: the packages packed with
// `npm pack`, installed from those tarballs with `npm install --offline`, so nothing but the
// npm cache that `npm ci` filled is needed. Used by consumer.test.js.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * @typedef {object} PackedPackage
 * @property {string} name
 * @property {string} version
 * @property {string} dir        Repository-relative source folder (`packages/core`).
 * @property {string} tarball    Absolute path of the `.tgz`.
 * @property {string[]} files    Paths inside the tarball (without the `package/` prefix).
 * @property {string} integrity  The tarball's sha512 integrity, as the lockfile records it.
 */

/**
 * The publishable packages: every `packages/*` folder with a package.json that is not private.
 *
 * @param {string} root
 * @returns {{ name: string, version: string, dir: string, manifest: Record<string, any> }[]}
 */
export function publishablePackages(root) {
  const found = [];
  for (const entry of readdirSync(join(root, 'packages')).sort()) {
    const path = join(root, 'packages', entry, 'package.json');
    if (!existsSync(path)) continue;
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    if (manifest.private) continue;
    found.push({ name: manifest.name, version: manifest.version, dir: `packages/${entry}`, manifest });
  }
  return found;
}

/**
 * Packs every publishable package into `dest` with one `npm pack` call.
 *
 * @param {string} root
 * @param {string} dest
 * @returns {Promise<PackedPackage[]>}
 */
export async function packAll(root, dest) {
  const packages = publishablePackages(root);
  mkdirSync(dest, { recursive: true });
  const { stdout } = await run('npm', ['pack', ...packages.map((p) => `./${p.dir}`), '--pack-destination', dest, '--json', '--ignore-scripts'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  /** @type {{ name: string, version: string, filename: string, integrity: string, files: { path: string }[] }[]} */
  const packed = JSON.parse(stdout);
  return packed.map((entry) => {
    const source = packages.find((p) => p.name === entry.name);
    if (!source) throw new Error(`npm pack produced ${entry.name}, which is not under packages/`);
    return {
      name: entry.name,
      version: entry.version,
      dir: source.dir,
      tarball: join(dest, entry.filename),
      integrity: entry.integrity,
      files: entry.files.map((f) => f.path),
    };
  });
}

/**
 * Writes the app's `package-lock.json`: the tarballs, and every third-party package they and the
 * app's own dependencies need, at the version and place the repository's lockfile has it (so
 * the `npm ci` that installed the repository put it in the npm cache). Walks the repository's
 * tree with Node's resolution rules from the app's dependencies, so only what the app uses is
 * locked. A dependency the repository's lockfile cannot satisfy is an error naming it.
 *
 * Why not `npm install --offline` without a lockfile: npm resolves a new package's peer
 * dependencies from full registry documents, which `npm ci` does not cache.
 *
 * @param {string} root
 * @param {string} appDir
 * @param {Record<string, any>} manifest   The app's package.json; tarballs as `file:` specs.
 * @param {PackedPackage[]} packs
 */
export function writeLockfile(root, appDir, manifest, packs) {
  const repoLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const byName = new Map(packs.map((p) => [p.name, p]));
  /** @type {Record<string, any>} */
  const locked = {
    '': { name: manifest.name, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
  };
  // Repository lockfile path of each package: `node_modules/x`, or `packages/core` for ours.
  const appPath = (repoPath) => {
    for (const p of packs) {
      if (repoPath === p.dir) return `node_modules/${p.name}`;
      if (repoPath.startsWith(`${p.dir}/`)) return `node_modules/${p.name}${repoPath.slice(p.dir.length)}`;
    }
    return repoPath;
  };
  const resolve = (fromRepoPath, name) => {
    if (byName.has(name)) return /** @type {PackedPackage} */ (byName.get(name)).dir;
    let base = fromRepoPath;
    for (;;) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (repoLock[candidate] && !repoLock[candidate].link) return candidate;
      if (!base) return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut >= 0 ? base.slice(0, cut) : '';
    }
  };
  /** @type {[string, string, Record<string, string>, Set<string>][]} */
  const queue = [['', '', { ...manifest.dependencies, ...manifest.devDependencies }, new Set()]];
  const seen = new Set();
  while (queue.length) {
    const [fromRepoPath, from, deps, optional] = /** @type {[string, string, Record<string, string>, Set<string>]} */ (queue.shift());
    for (const name of Object.keys(deps)) {
      const found = resolve(fromRepoPath, name);
      if (!found) {
        if (optional.has(name)) continue;
        throw new Error(
          `the repository's package-lock.json has no ${name} for ${from || 'the app'}: add it to a workspace's dependencies so \`npm ci\` caches it`,
        );
      }
      if (seen.has(found)) continue;
      seen.add(found);
      const pack = packs.find((p) => p.dir === found);
      if (pack) {
        const m = JSON.parse(readFileSync(join(root, pack.dir, 'package.json'), 'utf8'));
        locked[`node_modules/${pack.name}`] = {
          version: pack.version,
          resolved: `file:${relative(appDir, pack.tarball)}`,
          integrity: pack.integrity,
          license: m.license,
          dependencies: m.dependencies,
          optionalDependencies: m.optionalDependencies,
          peerDependencies: m.peerDependencies,
          engines: m.engines,
        };
        const peerOptional = new Set(Object.keys(m.peerDependenciesMeta ?? {}).filter((n) => m.peerDependenciesMeta[n]?.optional));
        queue.push([
          found,
          pack.name,
          { ...m.dependencies, ...m.optionalDependencies, ...m.peerDependencies },
          new Set([...Object.keys(m.optionalDependencies ?? {}), ...peerOptional]),
        ]);
        continue;
      }
      const { dev, devOptional, peer, optional: isOptional, ...entry } = repoLock[found];
      if (isOptional || devOptional) entry.optional = true;
      locked[appPath(found)] = entry;
      const peerOptional = Object.keys(entry.peerDependenciesMeta ?? {}).filter((n) => entry.peerDependenciesMeta[n]?.optional);
      // Optional peers are not installed for their own sake; they are locked only when something
      // else depends on them, which the walk finds on its own.
      const peers = Object.fromEntries(Object.entries(entry.peerDependencies ?? {}).filter(([n]) => !peerOptional.includes(n)));
      queue.push([found, found, { ...entry.dependencies, ...entry.optionalDependencies, ...peers }, new Set(Object.keys(entry.optionalDependencies ?? {}))]);
    }
  }
  const sorted = Object.fromEntries(Object.entries(locked).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(
    join(appDir, 'package-lock.json'),
    `${JSON.stringify({ name: manifest.name, lockfileVersion: 3, requires: true, packages: sorted }, null, 2)}\n`,
  );
}

/**
 * `npm ci --offline` in `appDir`, from the lockfile `writeLockfile` wrote. Resolves with npm's
 * output; rejects with it when npm fails (ENOTCACHED when something is missing from the npm
 * cache: the test would need the network, which it must not).
 *
 * @param {string} appDir
 * @returns {Promise<string>}
 */
export async function installOffline(appDir) {
  try {
    const { stdout, stderr } = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=warn'], {
      cwd: appDir,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failure = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (error);
    throw new Error(`npm ci --offline failed in ${appDir}:\n${failure.stdout ?? ''}${failure.stderr ?? failure.message}`);
  }
}

/**
 * Writes `files` (path → text) under `dir`, creating folders.
 *
 * @param {string} dir
 * @param {Record<string, string>} files
 */
export function writeFiles(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * Runs a command to its end; resolves with its exit code and combined output, never rejects on
 * a non-zero exit so the test can show the output. It gets a process group of its own, killed
 * whole after `timeoutMs`, and never inherits `NODE_TEST_CONTEXT` (set by `node --test` for its
 * own children, which would turn a nested `node --test` into a reporter for this one).
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} options
 * @returns {Promise<{ code: number | null, output: string }>}
 */
export function runCommand(command, args, { cwd, env = {}, timeoutMs = 240_000 }) {
  const childEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: `$ ${command} ${args.join(' ')}\n${output}` });
    });
  });
}
