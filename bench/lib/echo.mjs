// Groups "echo" (pipelined echo of every server) and "loadgen" (the load generator's own ceiling).
import { runLoadgen } from './proc.mjs';
import { selftestRows } from './selftest.mjs';
import { SERVERS, attempt, fmtCpu, fmtInt, fmtRatio, log, na, noise, quietly, targetArgs, withServer } from './servers.mjs';

const CONNS = 100;
const INFLIGHT = 16;
const PAYLOAD = 32;

/** The load generator's arguments for an echo measurement of `server` (a started `def`). */
export function echoArgs(def, server, cfg, inflight = INFLIGHT) {
  return [
    'echo',
    '-p',
    server.port,
    ...targetArgs(def),
    '-c',
    CONNS,
    '-k',
    inflight,
    '-s',
    PAYLOAD,
    '-w',
    cfg.warmup,
    '-d',
    cfg.duration,
    '--server-pid',
    server.pid,
    ...(def.batchedReplies ? ['--batched-replies'] : []),
  ].map(String);
}

export const timeoutFor = (cfg) => (cfg.warmup + cfg.duration + 45) * 1000;

/**
 * Pipelined echo, every server in turn, `cfg.rounds` interleaved rounds; the best round counts
 * (noise on a shared machine only ever slows a run down).
 */
export async function echoGroup(cfg, ids) {
  const state = new Map(ids.map((id) => [id, { runs: [], error: undefined }]));
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const id of ids) {
      const s = state.get(id);
      if (s.error && s.runs.length === 0) continue;
      const def = SERVERS[id];
      const r = await attempt(() => quietly(() => withServer(def, (server) => runLoadgen(echoArgs(def, server, cfg), { timeoutMs: timeoutFor(cfg) }))));
      if (r.value) s.runs.push(r.value);
      else s.error = r.error;
      log(`echo round ${round}: ${def.label}:`, r.value ? `${fmtInt(r.value.echoes_per_sec)}/s` : na(r.error));
    }
  }
  const best = (id) => {
    const runs = state.get(id).runs;
    return runs.length ? runs.reduce((a, b) => (b.echoes_per_sec > a.echoes_per_sec ? b : a)) : undefined;
  };
  const raw = best('raw')?.echoes_per_sec;
  const ofReference = (id, b) => {
    const reference = SERVERS[id].reference;
    if (reference === undefined || !state.has(reference)) return '';
    return fmtRatio(b.echoes_per_sec / best(reference)?.echoes_per_sec);
  };
  const data = {};
  const rows = ids.map((id) => {
    const { runs, error } = state.get(id);
    const b = best(id);
    if (!b) return [SERVERS[id].label, na(error), '—', '—', '—', '—', '—', ''];
    data[id] = b.echoes_per_sec;
    const rates = runs.map((r) => r.echoes_per_sec);
    const notes = [];
    if (runs.some((r) => r.mismatched)) notes.push('wrong echoes');
    if (runs.some((r) => r.closed_by_server)) notes.push('server closed connections');
    if (runs.some((r) => r.failed)) notes.push('some connections failed');
    if (SERVERS[id].batchedReplies) notes.push(`${(b.echoes / b.reply_frames).toFixed(1)} echoes per reply frame`);
    if (error) notes.push(`a later round failed: ${error}`);
    if (noise(b)) notes.push(noise(b));
    return [
      SERVERS[id].label,
      fmtInt(b.echoes_per_sec),
      fmtRatio(b.echoes_per_sec / raw),
      ofReference(id, b),
      runs.length > 1 ? `${fmtInt(Math.min(...rates))} – ${fmtInt(Math.max(...rates))}` : '—',
      fmtCpu(b.server_cpu),
      fmtCpu(b.loadgen_cpu),
      notes.join('; '),
    ];
  });
  return {
    id: 'echo',
    title: 'Pipelined echo',
    intro:
      `${CONNS} connections × ${INFLIGHT} messages in flight, ${PAYLOAD}-byte text frames; ` +
      `${cfg.warmup} s warm-up, ${cfg.duration} s measured, best of ${cfg.rounds} interleaved round(s), ` +
      'a fresh server process for each measurement. CPU columns: share of one core over the measured window.' +
      (ids.some((id) => SERVERS[id].batchedReplies)
        ? ' "One reply per batch" answers each batch with one frame holding its messages back to back; the ' +
          'load generator checks every chunk and counts each as an echo. The other rows reply message by message.'
        : '') +
      (ids.some((id) => SERVERS[id].reference)
        ? ' A "bare uWS" row is a reference: one handler style written directly on uWS with only the work its ' +
          'contract needs (bench/servers/bare-uws-references.mjs); "× its reference" divides a Kindling row by it.'
        : '') +
      (ids.length > 1
        ? " The rows run minutes apart, and this machine's speed moves by more than their differences: the " +
          'ratios of the shared-core group, when it ran, are the ones to read.'
        : ''),
    columns: ['Server', 'echoes/s', '× raw uWS', '× its reference', 'rounds (min – max)', 'server CPU', 'loadgen CPU', 'notes'],
    rows,
    data,
  };
}

/**
 * The load generator's own ceiling: raw uWS at growing pipelining depth. If the load generator's
 * CPU stays below one core while the server's is at one, the figure is the server's.
 */
export async function loadgenGroup(cfg) {
  const selftest = await attempt(() => selftestRows());
  const def = SERVERS.raw;
  const r = await attempt(() =>
    withServer(def, async (server) => {
      const out = [];
      for (const depth of cfg.depths) {
        const res = await runLoadgen(echoArgs(def, server, cfg, depth), { timeoutMs: timeoutFor(cfg) });
        log(`loadgen check: depth ${depth}: ${fmtInt(res.echoes_per_sec)}/s`);
        out.push({ depth, ...res });
      }
      return out;
    }),
  );
  const rows = r.value
    ? r.value.map((x) => [
        `${CONNS} × ${x.depth}`,
        fmtInt(x.echoes_per_sec),
        fmtCpu(x.server_cpu),
        fmtCpu(x.loadgen_cpu),
        x.loadgen_cpu >= 0.95 ? 'loadgen saturated' : x.server_cpu >= 0.95 ? 'server saturated' : 'neither saturated',
        noise(x),
      ])
    : [['—', na(r.error), '—', '—', '', '']];
  const maxRate = r.value ? Math.max(...r.value.map((x) => x.echoes_per_sec)) : undefined;
  return {
    id: 'loadgen',
    title: 'Load generator check (raw uWS echo at growing pipelining depth)',
    intro:
      'One server process, the same load generator (single thread, one core). A row where the ' +
      'server is saturated and the load generator is not shows that the load generator is not ' +
      `the limit at that depth. ${cfg.warmup} s warm-up, ${cfg.duration} s measured.`,
    columns: ['connections × in flight', 'echoes/s', 'server CPU', 'loadgen CPU', 'bound by', 'notes'],
    rows,
    extra: {
      title: 'Protocol self-test (against a `ws` server that fragments, pings, closes, batches and rejects)',
      columns: ['check', 'result', 'detail'],
      rows: selftest.value ?? [['self-test', 'FAIL', selftest.error]],
    },
    data: { max: maxRate, selftestFailed: (selftest.value ?? [[0, 'FAIL']]).some((r) => r[1] !== 'pass') },
  };
}
