// Group "latency": round-trip time at a fixed message rate, measured from when each message was due.
import { runLoadgen } from './proc.mjs';
import { SERVERS, attempt, fmtCpu, fmtInt, fmtRatio, fmtUs, log, na, noise, quietly, targetArgs, withServer } from './servers.mjs';

const CONNS = 100;
const PAYLOAD = 32;

export async function latencyGroup(cfg, ids) {
  const results = {};
  for (const id of ids) {
    const def = SERVERS[id];
    const args = (server) =>
      [
        'latency',
        '-p',
        server.port,
        ...targetArgs(def),
        '-c',
        CONNS,
        '-r',
        cfg.rate,
        '-s',
        PAYLOAD,
        '-w',
        cfg.warmup,
        '-d',
        cfg.duration,
        '--server-pid',
        server.pid,
      ].map(String);
    const timeoutMs = (cfg.warmup + cfg.duration + 45) * 1000;
    results[id] = await attempt(() => quietly(() => withServer(def, (server) => runLoadgen(args(server), { timeoutMs }))));
    const v = results[id].value;
    log(`latency: ${def.label}:`, v ? `p50 ${fmtUs(v.p50_us)} p99 ${fmtUs(v.p99_us)}` : na(results[id].error));
  }
  const rawP99 = results.raw?.value?.p99_us;
  const data = {};
  const rows = ids.map((id) => {
    const { value: v, error } = results[id];
    if (!v) return [SERVERS[id].label, na(error), '—', '—', '—', '—', '—', '—', '—'];
    data[id] = v;
    const notes = [];
    if (v.lost) notes.push(`${fmtInt(v.lost)} lost`);
    if (v.mismatched) notes.push(`${fmtInt(v.mismatched)} wrong`);
    if (v.achieved_rate < cfg.rate * 0.98) notes.push(`sent only ${fmtInt(v.achieved_rate)}/s`);
    if (noise(v)) notes.push(noise(v));
    return [
      SERVERS[id].label,
      fmtUs(v.p50_us),
      fmtUs(v.p90_us),
      fmtUs(v.p99_us),
      fmtUs(v.p999_us),
      fmtUs(v.max_us),
      fmtRatio(v.p99_us / rawP99),
      fmtCpu(v.server_cpu),
      notes.join('; '),
    ];
  });
  return {
    id: 'latency',
    title: `Latency at a fixed rate (${fmtInt(cfg.rate)} messages/s)`,
    intro:
      `${fmtInt(cfg.rate)} messages/s spread evenly over ${CONNS} connections, ${PAYLOAD}-byte text; ` +
      `${cfg.warmup} s warm-up, ${cfg.duration} s measured. Each latency runs from the instant the message ` +
      'was due to be sent to the instant its echo was read, so a stall on either side is counted ' +
      '(no coordinated omission). Exact percentiles over every message.',
    columns: ['Server', 'p50', 'p90', 'p99', 'p99.9', 'max', 'p99 × raw uWS', 'server CPU', 'notes'],
    rows,
    data,
  };
}
