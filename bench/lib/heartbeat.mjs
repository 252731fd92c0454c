// Group "heartbeat": what Kindling's heartbeat sweep costs the server while it holds many idle
// connections — CPU with the heartbeat off, at its default interval and every second.
import { cpuSeconds, holdConnections, sleep } from './proc.mjs';
import { attempt, fmtInt, log, na, withServer } from './servers.mjs';

const SERVER = { label: 'Kindling idle connections', file: 'kindling-idle-heartbeat.mjs' };

/** The routes of kindling-idle-heartbeat.mjs, with their heartbeat interval (0: off). */
export const HEARTBEAT_ROUTES = {
  '/idle-off': { label: 'heartbeat off', intervalS: 0 },
  '/idle': { label: 'default heartbeat (30 s / 10 s) + rate limit', intervalS: 30 },
  '/idle-1s': { label: 'heartbeat every second (1 s / 1 s)', intervalS: 1 },
};

const TICK_S = 0.01; // /proc/<pid>/stat counts CPU time in clock ticks (USER_HZ = 100)
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const us = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} µs` : '—');
/** A figure, or "< resolution" when not one clock tick was counted in the window. */
const orBelow = (fmt, value, resolution) => (value > 0 ? fmt(value) : `< ${fmt(resolution)}`);

/**
 * One route on a fresh server: hold the connections, wait `settleMs` after the last opened, then
 * read the server's CPU time (all threads) and the pings the load generator answered at both
 * edges of a `windowMs` window. The ping count is cumulative, so the difference is the window's.
 */
async function measure(path, cfg) {
  return withServer(SERVER, async (server) => {
    const holdS = (cfg.settleMs + cfg.windowMs) / 1000 + 60;
    const args = ['-p', server.port, '--path', path, '-c', cfg.conns, '--concurrency', 200, '--hold', holdS];
    const hold = holdConnections(args.map(String), { timeoutMs: (holdS + 30) * 1000 });
    try {
      const held = await hold.held;
      await sleep(cfg.settleMs);
      const s0 = await hold.stats();
      const cpu0 = cpuSeconds(server.pid);
      const t0 = performance.now();
      await sleep(cfg.windowMs);
      const cpu1 = cpuSeconds(server.pid);
      const seconds = (performance.now() - t0) / 1000;
      const s1 = await hold.stats();
      return {
        connected: held.connected,
        open: s1.open,
        closed: s1.closed_by_server,
        seconds,
        cpu: (cpu1 - cpu0) / seconds,
        pings: s1.pings - s0.pings,
        pingSeconds: s1.seconds - s0.seconds,
      };
    } finally {
      await hold.release().catch(() => undefined);
    }
  });
}

export async function heartbeatGroup(cfg) {
  const results = {};
  for (const path of cfg.routes) {
    results[path] = await attempt(() => measure(path, cfg));
    const v = results[path].value;
    log(`heartbeat: ${path}:`, v ? `${pct(v.cpu)} of a core, ${fmtInt(v.pings)} pings` : na(results[path].error));
  }
  const routes = {};
  let checkFailed = false;
  const rows = cfg.routes.map((path) => {
    const route = HEARTBEAT_ROUTES[path];
    const { value: v, error } = results[path];
    if (!v) return [`\`${path}\`: ${route.label}`, na(error), '—', '—', '—', ''];
    const perConn = (v.cpu / v.open) * 1e6;
    const pingRate = v.pings / v.pingSeconds;
    routes[path] = { cpu: v.cpu, perConn, pingRate, open: v.open };
    const notes = [];
    if (v.connected < cfg.conns) notes.push(`only ${fmtInt(v.connected)} of ${fmtInt(cfg.conns)} connected`);
    if (v.closed) notes.push(`${fmtInt(v.closed)} closed by the server`);
    // A pong is noticed when the timeout comes due, so "every second" comes out as every
    // 1.25-1.5 s (~0.7 pings per connection-second); under half a ping means the sweep did not run.
    if (route.intervalS === 1 && !(pingRate >= 0.5 * v.open)) {
      notes.push(`expected ~${fmtInt(0.7 * v.open)} pings/s`);
      checkFailed = true;
    }
    if (route.intervalS === 0 && v.pings > 0) notes.push('pinged although the heartbeat is off');
    const tick = TICK_S / v.seconds;
    return [
      `\`${path}\`: ${route.label}`,
      orBelow(pct, v.cpu, tick),
      orBelow(us, perConn, (tick / v.open) * 1e6),
      fmtInt(v.pings),
      fmtInt(pingRate),
      notes.join('; '),
    ];
  });
  const n = fmtInt(cfg.conns);
  return {
    id: 'heartbeat',
    title: `Heartbeat sweep CPU (${n} idle connections)`,
    intro:
      `A fresh Kindling server per route holds ${n} idle WebSocket connections (the load generator ` +
      `answers every ping with a pong and sends nothing else). ${cfg.settleMs / 1000} s after the last one ` +
      `opened, the server's CPU time (utime + stime of all threads, /proc/<pid>/stat) is read over a ` +
      `${cfg.windowMs / 1000} s window, along with the pings the load generator answered in it. CPU is ` +
      'shown as a share of one core and per connection per second; /proc counts in clock ticks (10 ms), so ' +
      `the resolution is ${pct(TICK_S / (cfg.windowMs / 1000))} of a core ("<" when no tick was counted). ` +
      'The heartbeat pings a connection ' +
      'once it has been silent for the interval. The default (30 s) therefore sends no ping in this window: ' +
      'that row is the cost of carrying the heartbeat and rate-limit state. At 1 s / 1 s a pong is noticed ' +
      'when the timeout comes due and the next ping goes out on a later sweep tick (a quarter of the ' +
      'timeout), so each connection is pinged every 1.25–1.5 s, ~0.7 pings per connection-second: that row ' +
      'is the cost of pinging.',
    columns: ['Route', 'server CPU', 'per connection-second', 'pings in window', 'pings/s', 'notes'],
    rows,
    data: { routes, checkFailed },
  };
}
