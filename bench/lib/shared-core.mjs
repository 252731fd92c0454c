// Group "shared-core": echo ratios of two servers that share one core and are loaded at the same
// time, so that whatever slows the machine down slows both alike.
import { runLoadgen, startServer, waitForQuiet } from './proc.mjs';
import { echoArgs, timeoutFor } from './echo.mjs';
import { SERVERS, attempt, fmtInt, fmtRatio, log, na } from './servers.mjs';

/**
 * Each comparison: [measured, against]. Raw uWS against itself comes first: its ratio should be
 * 1.00, and how far it strays is the method's resolution in this run.
 */
const COMPARISONS = [
  ['raw', 'raw'],
  ['ref-copy', 'raw'],
  ['mh', 'raw'],
  ['mh', 'ref-copy'],
  ['mh-metrics', 'mh'],
  ['mh-metrics-process', 'mh'],
  ['ref-forawait', 'raw'],
  ['forawait', 'raw'],
  ['forawait', 'ref-forawait'],
  ['ref-batch', 'raw'],
  ['batch-replies', 'raw'],
  ['batch-replies', 'ref-batch'],
  ['batch', 'raw'],
  // The node engine against plain ws (DESIGN: ≥ 0.95×).
  ['node-mh', 'ws'],
  // events() parses each request and answers it with a reply of its own: held against its
  // bare-uWS reference, against messageHandler doing the same by hand, and (for scale) against
  // the messageHandler echo of raw frames.
  ['ref-events', 'raw'],
  ['events', 'ref-events'],
  ['events', 'mh-json'],
  ['events', 'mh'],
];

const geomean = (xs) => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
const mean = (xs) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

/** The key of a comparison in the group's data (read by the targets). */
export const ratioKey = (id, against) => `${id}/${against}`;

/**
 * Starts both servers (pinned to the server core, like every server) and runs `cfg.rounds`
 * rounds; in each, one load generator per server, started together, measures `cfg.duration` s
 * after `cfg.warmup` s. Which load generator starts first alternates between rounds.
 */
async function measurePair(id, against, cfg) {
  await waitForQuiet(log);
  const servers = [];
  try {
    servers.push(await startServer(SERVERS[id].file, { env: SERVERS[id].env }));
    servers.push(await startServer(SERVERS[against].file, { env: SERVERS[against].env }));
    const defs = [SERVERS[id], SERVERS[against]];
    const rounds = [];
    for (let round = 0; round < cfg.rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const runs = [];
      for (const i of order) runs[i] = runLoadgen(echoArgs(defs[i], servers[i], cfg), { timeoutMs: timeoutFor(cfg) });
      const [a, b] = await Promise.all(runs);
      for (const [r, def] of [
        [a, defs[0]],
        [b, defs[1]],
      ]) {
        if (r.mismatched || r.failed || r.closed_by_server) throw new Error(`${def.label}: wrong echoes or failed connections`);
      }
      rounds.push({ measured: a.echoes_per_sec, against: b.echoes_per_sec, loadgenCpu: a.loadgen_cpu + b.loadgen_cpu });
    }
    return rounds;
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** The comparisons to run: all, or those named `measured/against` in `cfg.pairs` (`--pairs`). */
function selectedComparisons(pairs) {
  if (pairs === undefined) return COMPARISONS;
  const known = new Set(COMPARISONS.map(([id, against]) => ratioKey(id, against)));
  const unknown = pairs.filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`--pairs: unknown pair ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return COMPARISONS.filter(([id, against]) => pairs.includes(ratioKey(id, against)));
}

export async function sharedCoreGroup(cfg) {
  const rows = [];
  const data = {};
  for (const [id, against] of selectedComparisons(cfg.pairs)) {
    const what = id === against ? `${SERVERS[id].label} (a second instance)` : SERVERS[id].label;
    // A pair that fails is measured once more before it is reported n/a.
    let r = await attempt(() => measurePair(id, against, cfg));
    if (!r.value) {
      log(`shared-core: ${what}: ${r.error}; measuring again`);
      r = await attempt(() => measurePair(id, against, cfg));
    }
    if (!r.value) {
      rows.push([what, SERVERS[against].label, na(r.error), '—', '—', '—', '—']);
      continue;
    }
    const ratios = r.value.map((round) => round.measured / round.against);
    const ratio = geomean(ratios);
    data[ratioKey(id, against)] = ratio;
    rows.push([
      what,
      SERVERS[against].label,
      fmtRatio(ratio),
      `${fmtRatio(Math.min(...ratios))} – ${fmtRatio(Math.max(...ratios))}`,
      fmtInt(mean(r.value.map((round) => round.measured))),
      fmtInt(mean(r.value.map((round) => round.against))),
      `${Math.round(Math.max(...r.value.map((round) => round.loadgenCpu)) * 100)}%`,
    ]);
    log(`shared-core: ${what} ${fmtRatio(ratio)} × ${SERVERS[against].label}`);
  }
  return {
    id: 'shared-core',
    title: 'Echo ratios on a shared core (handler styles against raw uWS and their references)',
    intro:
      'The echo load of the group above, measured so that machine noise cancels out. The two servers of a row ' +
      'are pinned to the same core and loaded at the same time, each by its own load generator on the other ' +
      'core: the kernel gives each half of the core, so the ratio of their echo rates is the inverse ratio of ' +
      'their CPU time per echo, and a slowdown of the machine slows both alike. ' +
      `${cfg.rounds} rounds of ${cfg.warmup} s warm-up and ${cfg.duration} s measured; which load generator ` +
      'starts first alternates. "Ratio" is the geometric mean of the rounds\' ratios; the targets read it. ' +
      'The first row measures raw uWS against a second raw uWS: how far it is from 1.00 is the resolution of ' +
      'the method in this run. "Load generators\' CPU" is the most the two used together in a round, as a share ' +
      'of their core (below 100%: they were not the limit).',
    columns: ['Server', 'against', 'ratio', 'rounds (min – max)', 'echoes/s, mean', 'against, echoes/s, mean', "load generators' CPU"],
    rows,
    data,
  };
}
