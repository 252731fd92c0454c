// Group "http": hello-world requests per second, measured with wrk.
import { spawn, spawnSync } from 'node:child_process';
import { Unavailable, cpuSeconds, machineBusySeconds, pinning } from './proc.mjs';
import { SERVERS, attempt, fmtCpu, fmtInt, fmtRatio, fmtUs, log, na, noise, quietly, withServer } from './servers.mjs';

const has = (cmd) => spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0;

/** Finds wrk, installing it with apt-get when running as root; otherwise says how to get it. */
export function ensureWrk() {
  if (has('wrk')) return;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    throw new Unavailable('wrk is not installed: apt-get install -y wrk');
  }
  log('wrk not found; installing it with apt-get');
  const install = 'apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)';
  const r = spawnSync('bash', ['-c', install], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !has('wrk')) throw new Unavailable('wrk is not installed and apt-get could not install it');
}

const UNIT = { us: 1, ms: 1000, s: 1_000_000 };
const micros = (text) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  return m ? Number(m[1]) * UNIT[m[2]] : NaN;
};

/** Extracts req/s, latency percentiles and error counts from wrk's report. */
export function parseWrk(out) {
  const pct = (p) => micros(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1]);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: pct(50),
    p99: pct(99),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
}

/** CPU seconds of bash's children, from the second line of the `times` builtin. */
function childCpu(out) {
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(out);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : NaN;
}

function wrk(url, seconds, conns) {
  const cmd = `${pinning.loadgen}wrk -t1 -c${conns} -d${seconds}s --latency ${url}`;
  return new Promise((resolve, reject) => {
    const script = `ulimit -n 20000 2>/dev/null; ${cmd}; rc=$?; times; exit $rc`;
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const parsed = { ...parseWrk(out), cpu: childCpu(out) };
      if (code === 0 && Number.isFinite(parsed.rps)) resolve(parsed);
      else reject(new Unavailable(`wrk failed: ${out.trim().split('\n').at(-1)}`));
    });
  });
}

export async function httpGroup(cfg, ids) {
  const tool = await attempt(() => ensureWrk());
  const results = {};
  for (const id of ids) {
    const def = SERVERS[id];
    results[id] = tool.error
      ? tool
      : await attempt(() =>
          quietly(() =>
            withServer(def, async (server) => {
              const url = `http://127.0.0.1:${server.port}/`;
              if (cfg.warmup > 0) await wrk(url, cfg.warmup, cfg.conns);
              const cpu0 = cpuSeconds(server.pid);
              const busy0 = machineBusySeconds();
              const t0 = performance.now();
              const r = await wrk(url, cfg.duration, cfg.conns);
              const secs = (performance.now() - t0) / 1000;
              r.server_cpu = (cpuSeconds(server.pid) - cpu0) / secs;
              r.machine_busy = (machineBusySeconds() - busy0) / secs;
              r.loadgen_cpu = r.cpu / secs;
              return r;
            }),
          ),
        );
    const v = results[id].value;
    log(`http: ${def.label}:`, v ? `${fmtInt(v.rps)} req/s` : na(results[id].error));
  }
  const raw = results['raw-http']?.value?.rps;
  const data = {};
  const rows = ids.map((id) => {
    const { value: v, error } = results[id];
    if (!v) return [SERVERS[id].label, na(error), '—', '—', '—', '—', '—', ''];
    data[id] = v.rps;
    const notes = [];
    if (v.non2xx) notes.push(`${fmtInt(v.non2xx)} non-2xx`);
    if (v.socketErrors) notes.push(`${fmtInt(v.socketErrors)} socket errors`);
    if (noise(v)) notes.push(noise(v));
    return [SERVERS[id].label, fmtInt(v.rps), fmtRatio(v.rps / raw), fmtUs(v.p50), fmtUs(v.p99), fmtCpu(v.server_cpu), fmtCpu(v.loadgen_cpu), notes.join('; ')];
  });
  return {
    id: 'http',
    title: 'HTTP hello world',
    intro:
      `wrk -t1 -c${cfg.conns} --latency against \`GET /\` answering "Hello World!"; ` +
      `${cfg.warmup} s warm-up run, then ${cfg.duration} s measured. wrk is pinned like the load generator.`,
    columns: ['Server', 'requests/s', '× raw uWS', 'p50', 'p99', 'server CPU', 'wrk CPU', 'notes'],
    rows,
    data,
  };
}
