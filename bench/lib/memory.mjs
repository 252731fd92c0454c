// Group "memory": server RSS per idle WebSocket connection.
import { holdConnections, rssBytes, sleep } from './proc.mjs';
import { SERVERS, attempt, fmtRatio, log, na, targetArgs, withServer } from './servers.mjs';

const kb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(2)} KB` : '—');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function measure(def, cfg) {
  return withServer(def, async (server) => {
    await sleep(cfg.baselineMs);
    const before = rssBytes(server.pid);
    const args = ['-p', server.port, ...targetArgs(def, { policies: true }), '-c', cfg.conns,
      '--concurrency', 200, '--hold', 120].map(String);
    const hold = holdConnections(args, { timeoutMs: 150_000 });
    try {
      const held = await hold.held;
      await sleep(cfg.settleMs);
      const after = rssBytes(server.pid);
      return { before, after, connected: held.connected, openSeconds: held.open_seconds };
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
    log(`memory: ${SERVERS[id].label}:`, v ? kb((v.after - v.before) / v.connected) : na(results[id].error));
  }
  const perConn = (v) => (v?.connected ? (v.after - v.before) / v.connected : NaN);
  const raw = perConn(results.raw?.value);
  const data = {};
  const rows = ids.map((id) => {
    const def = SERVERS[id];
    const label = def.policiesPath ? `${def.label} (heartbeat + rate limit)` : def.label;
    const { value: v, error } = results[id];
    if (!v) return [label, na(error), '—', '—', '—', '—', ''];
    data[id] = perConn(v);
    const notes = v.connected < cfg.conns ? `only ${v.connected} of ${cfg.conns} connected` : '';
    return [label, kb(perConn(v)), fmtRatio(perConn(v) / raw), mb(v.before), mb(v.after),
      `${v.openSeconds.toFixed(2)} s`, notes];
  });
  return {
    id: 'memory',
    title: `Memory per idle connection (${cfg.conns.toLocaleString('en-US')} connections)`,
    intro:
      `Server RSS (VmRSS from /proc/<pid>/status) read ${cfg.baselineMs} ms after start, then again ` +
      `${cfg.settleMs} ms after ${cfg.conns.toLocaleString('en-US')} WebSocket connections are open and idle; ` +
      'the figure is the difference divided by the number of connections. Kindling routes have ' +
      'heartbeat (30 s / 10 s) and a per-connection rate limit on. No GC is forced.',
    columns: ['Server', 'RSS per connection', '× raw uWS', 'RSS before', 'RSS with connections', 'time to open all', 'notes'],
    rows,
    data,
  };
}
