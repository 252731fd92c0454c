#!/usr/bin/env node
// Runs the Kindling benchmark suite and writes bench/results/<date>-<name>.md and latest.md.
//   node bench/run.mjs                    every group (about 16 minutes)
//   node bench/run.mjs echo http          selected groups
//   node bench/run.mjs --smoke            every mode for about 1 s against raw uWS only (and the
//                                         heartbeat group's Kindling server)
//   node bench/run.mjs --tmp memory       write to bench/results/tmp/ (a trial run, not a result)
// Groups: loadgen, echo, shared-core, latency, memory, heartbeat, upgrade, upgrade-work, broadcast, http, cluster.
// See bench/README.md.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { broadcastGroup } from './lib/broadcast.mjs';
import { clusterGroup } from './lib/cluster.mjs';
import { echoGroup, loadgenGroup } from './lib/echo.mjs';
import { heartbeatGroup } from './lib/heartbeat.mjs';
import { httpGroup } from './lib/http.mjs';
import { latencyGroup } from './lib/latency.mjs';
import { memoryGroup } from './lib/memory.mjs';
import { BENCH_DIR, buildLoadgen, killAll, setQuietBudget } from './lib/proc.mjs';
import { machine, render, targets } from './lib/report.mjs';
import { attempt, log, na, setRetryBudget } from './lib/servers.mjs';
import { sharedCoreGroup } from './lib/shared-core.mjs';
import { upgradeGroup } from './lib/upgrade.mjs';
import { upgradeWorkGroup } from './lib/upgrade-work.mjs';

const GROUPS = ['loadgen', 'echo', 'shared-core', 'latency', 'memory', 'heartbeat', 'upgrade', 'upgrade-work', 'broadcast', 'http', 'cluster'];
const RUN_LIMIT_MS = 35 * 60_000;

const FULL = {
  loadgen: { depths: [16, 64, 128], warmup: 1, duration: 3 },
  echo: {
    warmup: 2,
    duration: 4,
    rounds: 2,
    servers: [
      'raw',
      'ref-copy',
      'mh',
      'ref-forawait',
      'forawait',
      'batch',
      'ref-batch',
      'batch-replies',
      'node-mh',
      'node-forawait',
      'ws',
      'fastify',
      'socketio',
      'threads-1',
      'threads-2',
    ],
  },
  'shared-core': { warmup: 1, duration: 3, rounds: 4 },
  latency: { rate: 20_000, warmup: 1, duration: 4, servers: ['raw', 'mh', 'forawait', 'node-mh', 'ws', 'fastify', 'socketio'] },
  memory: {
    conns: 10_000,
    baselineMs: 1_000,
    settleMs: 2_000,
    stableMs: 5_000,
    settledMinMs: 50_000,
    settledMaxMs: 60_000,
    servers: ['raw', 'mh', 'mh-metrics', 'forawait', 'node-mh', 'ws', 'fastify', 'socketio'],
  },
  heartbeat: { conns: 10_000, settleMs: 2_000, windowMs: 10_000, routes: ['/idle-off', '/idle', '/idle-1s'] },
  upgrade: { concurrency: 50, warmup: 1, duration: 4, servers: ['raw', 'kindling-7', 'kindling-0', 'node-7', 'ws', 'fastify'] },
  'upgrade-work': { upgrades: 4_000, concurrency: 10, startTimeoutMs: 120_000, servers: ['raw', 'kindling-7', 'kindling-0'] },
  broadcast: {
    subscribers: 10_000,
    inflight: 16,
    warmup: 1,
    duration: 4,
    servers: ['raw-pub', 'kindling-pub', 'ws-pub', 'threads-1-pub', 'threads-2-pub'],
  },
  http: { conns: 100, warmup: 1, duration: 4, servers: ['raw-http', 'kindling-http'] },
  cluster: { subscribers: 200, inflight: 16, payload: 64, warmup: 2, duration: 5, systems: ['kindling-redis', 'socketio-redis'] },
};

const SMOKE = {
  loadgen: { depths: [64], warmup: 0.2, duration: 1 },
  echo: { warmup: 0.2, duration: 1, rounds: 1, servers: ['raw'] },
  'shared-core': { warmup: 0.2, duration: 0.5, rounds: 1 },
  latency: { rate: 5_000, warmup: 0.2, duration: 1, servers: ['raw'] },
  memory: {
    conns: 1_000,
    baselineMs: 200,
    settleMs: 200,
    stableMs: 1_000,
    settledMinMs: 1_000,
    settledMaxMs: 3_000,
    servers: ['raw'],
  },
  heartbeat: { conns: 1_000, settleMs: 200, windowMs: 3_000, routes: ['/idle-1s'] },
  upgrade: { concurrency: 50, warmup: 0.2, duration: 1, servers: ['raw'] },
  'upgrade-work': { upgrades: 200, concurrency: 10, startTimeoutMs: 120_000, servers: ['raw'] },
  broadcast: { subscribers: 1_000, inflight: 16, warmup: 0.2, duration: 1, servers: ['raw-pub'] },
  http: { conns: 50, warmup: 0, duration: 1, servers: ['raw-http'] },
  cluster: { subscribers: 20, inflight: 4, payload: 64, warmup: 0.3, duration: 1, systems: ['kindling-redis', 'socketio-redis'] },
};

function usage(code) {
  process.stderr.write(
    `usage: node bench/run.mjs [--smoke] [--tmp] [--name NAME] [--rounds N] [--pairs A/B,C/D] [group ...]\ngroups: ${GROUPS.join(', ')} (default: all)\n`,
  );
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { groups: [], smoke: false, tmp: false, name: undefined, rounds: undefined, pairs: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--smoke') opts.smoke = true;
    else if (a === '--tmp') opts.tmp = true;
    else if (a === '--name') opts.name = argv[++i];
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--pairs') opts.pairs = String(argv[++i] ?? '').split(',');
    else if (a === '-h' || a === '--help') usage(0);
    else if (GROUPS.includes(a)) opts.groups.push(a);
    else {
      process.stderr.write(`unknown argument: ${a}\n`);
      usage(2);
    }
  }
  if (opts.name !== undefined && !/^[\w.-]+$/.test(opts.name)) usage(2);
  if (opts.rounds !== undefined && !(opts.rounds >= 1 && opts.rounds <= 10)) usage(2);
  // The shared-core group starts every Kindling echo server and upgrade-work needs valgrind: a
  // smoke run leaves them out unless named.
  if (opts.groups.length === 0) opts.groups = opts.smoke ? GROUPS.filter((g) => g !== 'shared-core' && g !== 'upgrade-work') : [...GROUPS];
  return opts;
}

const RUNNERS = {
  loadgen: (cfg) => loadgenGroup(cfg),
  echo: (cfg) => echoGroup(cfg, cfg.servers),
  'shared-core': (cfg) => sharedCoreGroup(cfg),
  latency: (cfg) => latencyGroup(cfg, cfg.servers),
  memory: (cfg) => memoryGroup(cfg, cfg.servers),
  heartbeat: (cfg) => heartbeatGroup(cfg),
  upgrade: (cfg) => upgradeGroup(cfg, cfg.servers),
  'upgrade-work': (cfg) => upgradeWorkGroup(cfg, cfg.servers),
  broadcast: (cfg) => broadcastGroup(cfg, cfg.servers),
  http: (cfg) => httpGroup(cfg, cfg.servers),
  cluster: (cfg) => clusterGroup(cfg),
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const config = structuredClone(opts.smoke ? SMOKE : FULL);
  if (opts.rounds) config.echo.rounds = opts.rounds;
  if (opts.pairs) config['shared-core'].pairs = opts.pairs;
  setQuietBudget(opts.smoke ? 5_000 : 60_000);
  setRetryBudget(opts.smoke ? 0 : 12);
  const started = new Date();
  const info = machine();
  const built = await attempt(() => buildLoadgen());
  const groups = [];
  for (const id of opts.groups) {
    log(`group ${id}`);
    if (built.error && id !== 'http' && id !== 'upgrade-work') {
      groups.push({ id, title: id, intro: na(built.error), columns: ['result'], rows: [[na(built.error)]], data: {} });
      continue;
    }
    const r = await attempt(() => RUNNERS[id](config[id]));
    groups.push(r.value ?? { id, title: id, intro: '', columns: ['result'], rows: [[na(r.error)]], data: {} });
  }
  const byId = Object.fromEntries(groups.map((g) => [g.id, g]));
  const name = opts.name ?? (opts.smoke ? 'smoke' : opts.groups.length === GROUPS.length ? 'full' : opts.groups.join('-'));
  const day = started.toISOString().slice(0, 10);
  const markdown = render({
    title: `Kindling bench: ${name}`,
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    started,
    seconds: (Date.now() - started.getTime()) / 1000,
    info,
    groups,
    targetRows: opts.smoke
      ? []
      : targets(byId, {
          memoryConns: config.memory.conns,
          memoryEarlyS: config.memory.settleMs / 1000,
          broadcastSubscribers: config.broadcast.subscribers,
          heartbeatConns: config.heartbeat.conns,
        }),
  });
  // smoke and --tmp runs are trials: scratch directory, and latest.md stays the last real result
  const trial = opts.smoke || opts.tmp;
  const dir = join(BENCH_DIR, 'results', trial ? 'tmp' : '');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${day}-${name}.md`);
  writeFileSync(file, markdown);
  if (!trial) copyFileSync(file, join(dir, 'latest.md'));
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${file}`);
  if (opts.smoke) {
    const failed = groups.filter((g) => g.data?.selftestFailed || g.data?.checkFailed || g.rows.some((row) => row.some((c) => String(c).startsWith('n/a'))));
    if (failed.length) {
      log(`smoke: FAILED in ${failed.map((g) => g.id).join(', ')}`);
      process.exitCode = 1;
    } else log('smoke: every mode ran');
  }
}

const limit = setTimeout(() => {
  log(`run exceeded ${RUN_LIMIT_MS / 60_000} minutes; stopping`);
  killAll();
  process.exit(2);
}, RUN_LIMIT_MS);
limit.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
main().catch((error) => {
  killAll();
  log(`fatal: ${error?.stack ?? error}`);
  process.exit(1);
});
