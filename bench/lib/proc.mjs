// Child processes of a bench run: servers pinned to one core, the load generator to the other.
// Every child is tracked so an interrupted run leaves nothing behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LOADGEN = join(BENCH_DIR, 'loadgen', 'bin', 'loadgen');
const NOFILE = 20000;
const children = new Set();

/** Core pinning: server on core 1, load generator on core 0, when the machine allows it. */
export const pinning = (() => {
  const hasTaskset = spawnSync('bash', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
  const ok = hasTaskset && cpus().length >= 2;
  return {
    ok,
    server: ok ? 'taskset -c 1 ' : '',
    loadgen: ok ? 'taskset -c 0 ' : '',
    describe: ok ? 'server on core 1, load generator on core 0 (taskset)' : `not pinned (${hasTaskset ? `${cpus().length} core` : 'taskset missing'})`,
  };
})();

/** A server or tool that could not run; its message becomes the row's "n/a (reason)". */
export class Unavailable extends Error {}

const quote = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;
const withNofile = (cmd) => `ulimit -n ${NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${cmd}`;

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Stops every child still running (used on SIGINT and by the overall time limit). */
export function killAll() {
  for (const child of children) child.kill('SIGKILL');
}

/** Builds the load generator when its binary is missing or older than its sources. */
export function buildLoadgen() {
  const r = spawnSync('bash', [join(BENCH_DIR, 'loadgen', 'build.sh')], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(LOADGEN)) {
    throw new Unavailable(`loadgen did not build: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
}

/** Turns a server's stderr into a one-line reason. */
export function reasonFrom(stderr, code) {
  const missingPkg = /Cannot find (?:package|module) '([^']+)'/.exec(stderr);
  if (missingPkg) {
    const name = missingPkg[1];
    if (name.includes('packages/core/dist') || name === '@kindling/core') return '@kindling/core is not built';
    if (!name.startsWith('.') && !name.startsWith('/')) return `${name} is not installed (npm install)`;
    return `missing module ${name}`;
  }
  const missingExport = /does not provide an export named '([^']+)'/.exec(stderr);
  if (missingExport) return `@kindling/core has no export '${missingExport[1]}' yet`;
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^(\w*Error|error)\b|: /.test(l) && !l.startsWith('at ')) ?? lines.at(-1);
  return (error ?? `exited with code ${code}`).slice(0, 160);
}

/**
 * Starts `bench/servers/<file>` on port 0 and resolves once it printed `READY <port>`.
 * `runner` is the command that runs the script (`node`, or e.g. valgrind followed by node);
 * the returned pid is the runner's.
 * @returns {Promise<{ pid: number, port: number, stop: () => Promise<void>, stderr: () => string }>}
 */
export function startServer(file, { timeoutMs = 15_000, env = {}, runner = ['node'] } = {}) {
  const script = join(BENCH_DIR, 'servers', file);
  const child = track(
    spawn('bash', ['-c', withNofile(`${pinning.server}${runner.map(quote).join(' ')} ${quote(script)} 0`)], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    }),
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-8192)));
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Unavailable(`no READY line within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ pid: child.pid, port: Number(m[1]), stop, stderr: () => err });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Unavailable(reasonFrom(err, code)));
    });
  });
}

function stopChild(child, graceMs = 3_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const jsonLines = (text) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

/** Why the load generator stopped without a result: its last stderr line, or its exit code. */
const loadgenFailure = (stderr, code) => stderr.trim().split('\n').at(-1) || `loadgen exit ${code}`;

/**
 * Runs the load generator to completion (killed after `timeoutMs`) and returns its JSON result.
 * @param {string[]} args
 */
export function runLoadgen(args, { timeoutMs }) {
  const cmd = `${pinning.loadgen}${quote(LOADGEN)} ${args.map(quote).join(' ')}`;
  const child = track(spawn('bash', ['-c', withNofile(cmd)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err = (err + d).slice(-4096)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const result = jsonLines(out).at(-1);
      if (result && !result.error) resolve({ ...result, exitCode: code });
      else if (signal) reject(new Unavailable(`loadgen killed (${signal}) after ${timeoutMs / 1000} s`));
      else reject(new Unavailable(result?.error ?? loadgenFailure(err, code)));
    });
  });
}

/**
 * Runs `loadgen connect` and resolves once its connections are held; `stats()` asks it for the
 * pings it has answered so far (cumulative, with `open` and `closed_by_server`); `release()` lets
 * it close them and exit.
 */
export function holdConnections(args, { timeoutMs }) {
  const cmd = `${pinning.loadgen}${quote(LOADGEN)} connect ${args.map(quote).join(' ')}`;
  const child = track(spawn('bash', ['-c', withNofile(cmd)], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  let statsSeen = 0;
  const waiting = []; // stats() calls not answered yet, oldest first
  child.stderr.on('data', (d) => (err = (err + d).slice(-4096)));
  child.stdin.on('error', () => undefined); // EPIPE once it exited: `exited` reports that
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  void exited.then(() => clearTimeout(timer));
  const gone = (code) => new Unavailable(loadgenFailure(err, code));
  const held = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const lines = jsonLines(out.slice(0, out.lastIndexOf('\n') + 1)); // whole lines only
      const holding = lines.find((j) => j.event === 'holding');
      if (holding) resolve(holding);
      const stats = lines.filter((j) => j.event === 'stats');
      while (statsSeen < stats.length && waiting.length) waiting.shift().resolve(stats[statsSeen++]);
    });
    void exited.then((code) => {
      reject(gone(code));
      for (const w of waiting.splice(0)) w.reject(gone(code));
    });
  });
  const stats = () =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(gone(child.exitCode));
      waiting.push({ resolve, reject });
      child.stdin.write('stats\n');
    });
  const release = async () => {
    child.stdin.end('\n');
    await exited;
    return jsonLines(out).find((j) => j.event === 'released');
  };
  return { held, stats, release };
}

/** Resident set size of a process in bytes (VmRSS). */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Unavailable(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds (user + system, all threads) a process has used. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Busy CPU seconds of the whole machine (every core; all but idle and iowait) from /proc/stat. */
export function machineBusySeconds() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

let quietBudgetMs = 60_000;

/** Sets how long a run may wait in total for other processes to go quiet. */
export function setQuietBudget(ms) {
  quietBudgetMs = ms;
}

/**
 * Waits (at most 20 s, and within the run's budget) until the machine is idle, so a measurement
 * does not start while other processes keep a core busy. Returns the busy share last seen.
 */
export async function waitForQuiet(log) {
  const started = Date.now();
  const deadline = started + Math.min(quietBudgetMs, 20_000);
  let busy = 0;
  for (let said = false; ; said = true) {
    const b0 = machineBusySeconds();
    await sleep(250);
    busy = (machineBusySeconds() - b0) / 0.25;
    if (busy < 0.25 || Date.now() >= deadline) break;
    if (!said) log(`machine busy (${Math.round(busy * 100)}% of a core): waiting for it to quiet down`);
    await sleep(750);
  }
  quietBudgetMs = Math.max(0, quietBudgetMs - (Date.now() - started));
  return busy;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
