// The markdown results file: machine, method, one table per group, and the performance targets.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, pinning } from './proc.mjs';
import { SERVERS, fmtRatio } from './servers.mjs';
import { ratioKey } from './shared-core.mjs';

const require = createRequire(join(BENCH_DIR, 'package.json'));

/** The share of its bare-uWS reference each handler style's echo must reach (docs/performance.md). */
const REFERENCE_SHARE = 0.9;

function versionOf(pkg) {
  try {
    const file = require.resolve(`${pkg}/package.json`);
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    try {
      // packages whose "exports" hide package.json: walk up from the entry point
      const entry = require.resolve(pkg);
      const root = entry.slice(0, entry.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}/`.length);
      return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    } catch {
      return 'not installed';
    }
  }
}

/** The commit measured, and whether the working tree differed from it. */
function revision() {
  const git = (...args) => spawnSync('git', ['-C', BENCH_DIR, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' with uncommitted changes' : ''}`;
}

/** A snapshot of the machine, taken at the start of the run. */
export function machine() {
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    load: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    revision: revision(),
    versions: ['uWebSockets.js', 'ws', 'fastify', '@fastify/websocket', 'socket.io'].map((p) => `${p} ${versionOf(p)}`).join(', '),
  };
}

const cell = (s) => String(s ?? '').replaceAll('|', '\\|');
const table = (columns, rows) =>
  [`| ${columns.map(cell).join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

/** Compares the run's figures with the performance targets (docs/performance.md). */
export function targets(byId, { memoryConns, memoryEarlyS, broadcastSubscribers, heartbeatConns }) {
  const echo = byId.echo?.data ?? {};
  const mem = byId.memory?.data ?? {};
  const up = byId.upgrade?.data ?? {};
  const http = byId.http?.data ?? {};
  const rows = [];
  // A ratio target: not run, n/a when a server did not run, else met or not. `shown` is the
  // figure as the table prints it, `extra` text shown after it either way.
  const ratioRow = (what, ran, r, min, shown = fmtRatio(r), extra = '') => {
    if (!ran) return rows.push([what, '—', 'not run']);
    if (!Number.isFinite(r)) return rows.push([what, `—${extra}`, 'n/a (a server did not run)']);
    rows.push([what, `${shown}${extra}`, r >= min ? 'met' : 'NOT met']);
  };
  // The handler-style echo targets read the shared-core group when it ran (its servers share a
  // core and are measured at once, so noise cancels), otherwise the best rounds of the echo group.
  const shared = byId['shared-core']?.data ?? {};
  const againstOf = (id, against) => (against === 'raw' ? 'raw' : SERVERS[id].reference);
  const styleRatio = (id, against) => {
    const r = shared[ratioKey(id, againstOf(id, against))];
    return r !== undefined ? r : echo[id] / echo[againstOf(id, against)];
  };
  const echoRan = byId.echo || byId['shared-core'];
  const source = (id, against) => (shared[ratioKey(id, againstOf(id, against))] !== undefined ? ' (shared core)' : '');
  // An original echo target (against raw uWS), with the reference's own ratio: what the target
  // asks of the engine.
  const echoRow = (what, id, min, extra = '') => {
    const r = styleRatio(id, 'raw');
    const reference = styleRatio(SERVERS[id].reference, 'raw');
    const against = Number.isFinite(reference) ? `; its reference is ${fmtRatio(reference)} raw` : '';
    ratioRow(what, echoRan, r, min, `${fmtRatio(r)}${source(id, 'raw')}${against}`, extra);
  };
  echoRow('messageHandler echo ≥ 0.90 × raw uWS', 'mh', 0.9);
  echoRow('`for await` echo ≥ 0.75 × raw uWS', 'forawait', 0.75);
  {
    // Batching exists to save frames and handler calls, so the target reads the row that answers
    // each batch with one frame; the message-by-message row is shown alongside.
    const each = styleRatio('batch', 'raw');
    const perMessage = Number.isFinite(each) ? `; one reply per message: ${fmtRatio(each)} raw` : '';
    echoRow('batchHandler echo ≥ 1.0 × raw uWS (one reply per batch)', 'batch-replies', 1.0, perMessage);
  }
  // The contract as docs/performance.md states it: each handler style against the least its own
  // contract costs on this engine, measured in the same run.
  for (const [id, label] of [
    ['mh', 'messageHandler'],
    ['forawait', '`for await`'],
    ['batch-replies', 'batchHandler (one reply per batch)'],
  ]) {
    const what = `${label} echo ≥ ${REFERENCE_SHARE.toFixed(2)} × its bare-uWS reference (docs/performance.md)`;
    const r = styleRatio(id, 'reference');
    ratioRow(what, echoRan, r, REFERENCE_SHARE, `${fmtRatio(r)}${source(id, 'reference')}`);
  }
  {
    // DESIGN §9: the node engine (node:http + ws) against plain ws, the library it runs on.
    const sharedRatio = shared[ratioKey('node-mh', 'ws')];
    const r = sharedRatio ?? echo['node-mh'] / echo.ws;
    ratioRow('node engine messageHandler echo ≥ 0.95 × plain ws', echoRan, r, 0.95, `${fmtRatio(r)}${sharedRatio !== undefined ? ' (shared core)' : ''}`);
  }
  {
    // Events with replies (DESIGN §9), on the shared core only: against its bare-uWS reference
    // (the handler-style contract) and against messageHandler answering the same requests by
    // hand. Against the forwarding messageHandler echo the ratio is the JSON work, shown beside.
    const ran = Boolean(byId['shared-core']);
    const forwarding = shared[ratioKey('events', 'mh')];
    const scale = forwarding === undefined ? '' : `; against the forwarding messageHandler echo: ${fmtRatio(forwarding)}`;
    const reference = shared[ratioKey('events', 'ref-events')];
    ratioRow(
      'events() request-with-reply echo ≥ 0.90 × its bare-uWS reference',
      ran,
      reference ?? Number.NaN,
      0.9,
      `${fmtRatio(reference)} (shared core)`,
      scale,
    );
    const byHand = shared[ratioKey('events', 'mh-json')];
    ratioRow(
      'events() request-with-reply echo ≥ 0.90 × messageHandler answering the same requests',
      ran,
      byHand ?? Number.NaN,
      0.9,
      `${fmtRatio(byHand)} (shared core)`,
    );
  }
  {
    // Metrics on against metrics off, the same handler on the same engine, sharing a core.
    const r = shared[ratioKey('mh-metrics', 'mh')];
    ratioRow('messageHandler echo, metrics on ≥ 0.98 × metrics off (shared core)', byId['shared-core'] !== undefined, r, 0.98);
  }
  for (const [id, label] of [
    ['mh', 'messageHandler'],
    ['mh-metrics', 'messageHandler, metrics on'],
    ['forawait', '`for await`'],
  ]) {
    const what = `idle RSS ≤ 1.5 KB per connection at 10k, heartbeat + rate limit, settled (${label})`;
    const v = mem[id];
    if (!byId.memory) rows.push([what, '—', 'not run']);
    else if (!Number.isFinite(v?.settled)) rows.push([what, '—', 'n/a (server did not run)']);
    else {
      const at = memoryConns === 10_000 ? '' : ` (at ${memoryConns} connections, not 10k)`;
      const early = `; ${(v.early / 1024).toFixed(2)} KB ${memoryEarlyS} s after opening`;
      rows.push([what, `${(v.settled / 1024).toFixed(2)} KB${at}${early}`, v.settled <= 1536 ? 'met' : 'NOT met']);
    }
  }
  {
    // The design asks only that the sweep's cost is measured: the figure, with no threshold.
    const what = 'heartbeat sweep CPU at 10k idle connections (measured; no threshold)';
    const hb = byId.heartbeat?.data?.routes ?? {};
    const at = heartbeatConns === 10_000 ? '' : ` (at ${heartbeatConns} connections, not 10k)`;
    const parts = [
      ['/idle-1s', 'pinged every second'],
      ['/idle', 'default 30 s'],
      ['/idle-off', 'off'],
    ]
      .filter(([path]) => hb[path])
      .map(([path, label]) => {
        const { cpu, perConn } = hb[path];
        if (!(cpu > 0)) return `${label}: no CPU time counted (under one clock tick)`;
        return `${label}: ${(cpu * 100).toFixed(1)}% of a core (${perConn.toFixed(2)} µs per connection-second)`;
      });
    if (!byId.heartbeat) rows.push([what, '—', 'not run']);
    else if (!parts.length) rows.push([what, '—', 'n/a (server did not run)']);
    else rows.push([what, `${parts.join('; ')}${at}`, 'measured']);
  }
  {
    const what = 'upgrades/s with 7 extractors (one a DTO) ≥ 0.6 × raw uWS';
    const k = up['kindling-7'];
    const raw = up.raw;
    if (!byId.upgrade) rows.push([what, '—', 'not run']);
    else if (!k || !raw) rows.push([what, '—', 'n/a (a server did not run)']);
    else {
      const byRate = k.rate / raw.rate;
      const byCpu = k.perCpu / raw.perCpu;
      const worst = Math.min(byRate, Number.isFinite(byCpu) ? byCpu : byRate);
      rows.push([what, `${fmtRatio(byRate)} by rate, ${fmtRatio(byCpu)} per server CPU-second`, worst >= 0.6 ? 'met' : 'NOT met']);
    }
  }
  {
    const what = 'broadcast to 10k subscribers ≥ 0.9 × raw `app.publish`';
    const b = byId.broadcast?.data ?? {};
    const at = broadcastSubscribers === 10_000 ? '' : ` (at ${broadcastSubscribers} subscribers, not 10k)`;
    if (!byId.broadcast) rows.push([what, '—', 'not run']);
    else if (!Number.isFinite(b['kindling-pub'] / b['raw-pub'])) rows.push([what, '—', 'n/a (a server did not run)']);
    else {
      const r = b['kindling-pub'] / b['raw-pub'];
      rows.push([what, `${fmtRatio(r)}${at}`, r >= 0.9 ? 'met' : 'NOT met']);
    }
  }
  ratioRow('HTTP hello ≥ 0.8 × raw uWS', byId.http, http['kindling-http'] / http['raw-http'], 0.8);
  {
    // Cross-node fan-out (DESIGN §9): by rate, unless the runner's single client thread was the
    // limit (≥ 90% of a core) — then per server CPU-second, which measures the servers.
    const what = 'cross-node fan-out on Redis ≥ 5 × socket.io with its Redis adapter';
    const c = byId.cluster?.data ?? {};
    const k = c['kindling-redis'];
    const sio = c['socketio-redis'];
    if (!byId.cluster) rows.push([what, '—', 'not run']);
    else if (!k || !sio) rows.push([what, '—', 'n/a (a system did not run)']);
    else {
      const byRate = k.rate / sio.rate;
      const byCpu = k.perCpu / sio.perCpu;
      const runnerBound = k.runnerCpu >= 0.9;
      const read = runnerBound ? byCpu : byRate;
      const why = runnerBound
        ? ` (the runner's clients used ${Math.round(k.runnerCpu * 100)}% of a core: the rate is theirs, so the target reads per CPU-second)`
        : '';
      rows.push([what, `${fmtRatio(byRate)} by rate, ${fmtRatio(byCpu)} per server CPU-second${why}`, read >= 5 ? 'met' : 'NOT met']);
    }
  }
  return rows;
}

/** Renders the results file. */
export function render({ title, command, started, seconds, info, groups, targetRows }) {
  const out = [
    `# ${title}`,
    '',
    `Run ${started.toISOString().replace(/\.\d+Z$/, 'Z')} with \`${command}\` (${Math.round(seconds)} s).`,
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['cores (nproc)', info.nproc],
        ['CPU', info.cpu],
        ['memory', info.memory],
        ['kernel', info.kernel],
        ['Node.js', info.node],
        ['packages', info.versions],
        ['Kindling commit', info.revision],
        ['pinning', pinning.describe],
        ['load average at start (1/5/15 min)', info.load],
      ],
    ),
    '',
    'Ratios compare with raw uWS measured in this same run. See bench/README.md for the method.',
    '',
  ];
  for (const g of groups) {
    out.push(`## ${g.title}`, '', g.intro, '', table(g.columns, g.rows), '');
    if (g.extra) out.push(`### ${g.extra.title}`, '', table(g.extra.columns, g.extra.rows), '');
  }
  if (targetRows.length) {
    out.push('## Performance targets', '', table(['target', 'measured', 'status'], targetRows), '');
  }
  return out.join('\n');
}
