// Group "memory": server RSS per idle WebSocket connection, read early and once it has settled.
import { holdConnections, rssBytes, sleep } from './proc.mjs';
import { SERVERS, attempt, fmtRatio, log, na, targetArgs, withServer } from './servers.mjs';

const POLL_MS = 1_000;
const STABLE = 0.01; // "settled": RSS moved by less than this share over the last cfg.stableMs

const kb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(2)} KB` : '—');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const secs = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Polls RSS every second until it moved by less than 1% over the last `stableMs`, no earlier than
 * `settledMinMs` and no later than `settledMaxMs` after the connections opened. The floor exists
 * because a flat RSS proves nothing early on: V8 shrinks its young generation (still full of
 * handshake garbage) only 15-40 s into idleness, all at once, and Kindling's default heartbeat
 * first pings every connection at 30 s.
 */
async function settle(pid, openedAt, cfg) {
  const span = Math.round(cfg.stableMs / POLL_MS) + 1; // readings spanning stableMs
  const samples = [];
  for (let k = 0; ; k++) {
    const due = openedAt + cfg.settleMs + k * POLL_MS;
    await sleep(Math.max(0, due - performance.now()));
    samples.push(rssBytes(pid));
    const ms = performance.now() - openedAt;
    const recent = samples.slice(-span);
    const stable = recent.length === span && Math.max(...recent) - Math.min(...recent) < STABLE * recent.at(-1);
    if ((stable && ms >= cfg.settledMinMs) || ms >= cfg.settledMaxMs) {
      return { early: samples[0], settled: samples.at(-1), settledMs: ms, stable };
    }
  }
}

async function measure(def, cfg) {
  return withServer(def, async (server) => {
    await sleep(cfg.baselineMs);
    const before = rssBytes(server.pid);
    const holdS = cfg.settledMaxMs / 1000 + 60;
    const args = ['-p', server.port, ...targetArgs(def, { policies: true }), '-c', cfg.conns, '--concurrency', 200, '--hold', holdS].map(String);
    const hold = holdConnections(args, { timeoutMs: (holdS + 30) * 1000 });
    try {
      const held = await hold.held;
      const readings = await settle(server.pid, performance.now(), cfg);
      return { before, ...readings, connected: held.connected, openSeconds: held.open_seconds };
    } finally {
      await hold.release().catch(() => undefined);
    }
  });
}

export async function memoryGroup(cfg, ids) {
  const results = {};
  for (const id of ids) {
    results[id] = await attempt(() => measure(SERVERS[id], cfg));
    const v = results[id].value;
    log(
      `memory: ${SERVERS[id].label}:`,
      v
        ? `${kb((v.early - v.before) / v.connected)} at ${secs(cfg.settleMs)}, ` + `${kb((v.settled - v.before) / v.connected)} after ${secs(v.settledMs)}`
        : na(results[id].error),
    );
  }
  const perConn = (v, rss) => (v?.connected ? (rss - v.before) / v.connected : NaN);
  const raw = results.raw?.value;
  const data = {};
  const rows = ids.map((id) => {
    const def = SERVERS[id];
    const label = def.policiesPath ? `${def.label} (heartbeat + rate limit)` : def.label;
    const { value: v, error } = results[id];
    if (!v) return [label, na(error), '—', '—', '—', '—', '—', '—', '—', '—', ''];
    const settled = perConn(v, v.settled);
    const early = perConn(v, v.early);
    data[id] = { settled, early };
    const notes = [];
    if (v.connected < cfg.conns) notes.push(`only ${v.connected} of ${cfg.conns} connected`);
    if (!v.stable) notes.push(`still moving at ${secs(v.settledMs)}: last reading shown`);
    return [
      label,
      kb(settled),
      fmtRatio(settled / perConn(raw, raw?.settled)),
      secs(v.settledMs),
      kb(early),
      fmtRatio(early / perConn(raw, raw?.early)),
      mb(v.before),
      mb(v.early),
      mb(v.settled),
      `${v.openSeconds.toFixed(2)} s`,
      notes.join('; '),
    ];
  });
  const n = cfg.conns.toLocaleString('en-US');
  const at = secs(cfg.settleMs);
  return {
    id: 'memory',
    title: `Memory per idle connection (${n} connections)`,
    intro:
      `Server RSS (VmRSS from /proc/<pid>/status) is read ${cfg.baselineMs} ms after start, then ${at} ` +
      `after ${n} WebSocket connections are open and idle, then every second until it has moved by less ` +
      `than 1% over the last ${secs(cfg.stableMs)}, but no earlier than ${secs(cfg.settledMinMs)} and no ` +
      `later than ${secs(cfg.settledMaxMs)} after they opened ("settled after"). Each figure is the ` +
      'difference from the first reading divided by the number of connections. The floor is there because ' +
      `RSS stays flat for a while and then drops: V8 keeps the handshakes' garbage in its young ` +
      'generation and shrinks it only 15–40 s into idleness. Kindling routes have heartbeat (30 s / 10 s' +
      `${cfg.settledMinMs > 31_000 ? ': every connection has been pinged once by the settled reading' : ''}) ` +
      `and a per-connection rate limit on. No GC is forced. The ${at} columns keep the early reading.`,
    columns: [
      'Server',
      'settled RSS per connection',
      '× raw uWS',
      'settled after',
      `at ${at}, per connection`,
      '× raw uWS',
      'RSS before',
      `RSS at ${at}`,
      'RSS settled',
      'time to open all',
      'notes',
    ],
    rows,
    data,
  };
}
