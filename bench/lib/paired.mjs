// Group "paired": each handler style, its bare-uWS reference and raw uWS measured in short slices
// that alternate, so that every ratio divides two figures taken seconds apart.
import { runLoadgen, startServer, waitForQuiet } from './proc.mjs';
import { echoArgs, timeoutFor } from './echo.mjs';
import { SERVERS, attempt, fmtInt, fmtRatio, log, na } from './servers.mjs';

/** The sets measured together: raw uWS first, then a reference and the Kindling rows read against it. */
const SETS = [
  ['raw', 'ref-copy', 'mh'],
  ['raw', 'ref-forawait', 'forawait'],
  ['raw', 'ref-batch', 'batch-replies', 'batch'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const spread = (xs) => `${fmtRatio(Math.min(...xs))} – ${fmtRatio(Math.max(...xs))}`;

/**
 * Starts every server of a set at once (each idle while another is measured) and runs
 * `cfg.cycles` cycles of one slice per server, raw uWS first, then one more raw slice. A slice
 * is a fresh load generator run: `cfg.warmup` s, then `cfg.duration` s measured.
 */
async function measureSet(ids, cfg) {
  await waitForQuiet(log);
  const servers = [];
  try {
    for (const id of ids) servers.push(await startServer(SERVERS[id].file));
    const slices = Object.fromEntries(ids.map((id) => [id, []]));
    const slice = async (i) => {
      const r = await runLoadgen(echoArgs(SERVERS[ids[i]], servers[i], cfg), { timeoutMs: timeoutFor(cfg) });
      if (r.mismatched || r.failed || r.closed_by_server) throw new Error(`${SERVERS[ids[i]].label}: wrong echoes or failed connections`);
      slices[ids[i]].push(r.echoes_per_sec);
    };
    for (let cycle = 0; cycle < cfg.cycles; cycle++) for (let i = 0; i < ids.length; i++) await slice(i);
    await slice(0);
    return slices;
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** Per cycle: a row's slice over the mean of the raw slices around it. */
function pairedToRaw(slices, id) {
  const raw = slices.raw;
  return slices[id].map((x, c) => x / ((raw[c] + raw[c + 1]) / 2));
}

const best = (xs) => Math.max(...xs);

export async function pairedGroup(cfg) {
  const rows = [];
  const data = {};
  for (const ids of SETS) {
    const r = await attempt(() => measureSet(ids, cfg));
    for (const id of ids.slice(1)) {
      const label = SERVERS[id].label;
      if (!r.value) {
        rows.push([label, na(r.error), '—', '—', '—', '—', '—']);
        continue;
      }
      const slices = r.value;
      const referenceId = SERVERS[id].reference;
      // Raw uWS has one slice more than the others (it closes the last cycle): its best is taken
      // over as many slices as every other server had.
      const bestRaw = best(slices.raw.slice(0, slices[id].length));
      const toRaw = best(slices[id]) / bestRaw;
      const toReference = referenceId === undefined ? undefined : best(slices[id]) / best(slices[referenceId]);
      const paired = pairedToRaw(slices, id);
      const pairedToReference = referenceId === undefined ? [] : slices[id].map((x, c) => x / slices[referenceId][c]);
      data[id] = { toRaw, toReference };
      rows.push([
        label,
        fmtRatio(toRaw),
        toReference === undefined ? '' : fmtRatio(toReference),
        `${fmtRatio(median(paired))} (${spread(paired)})`,
        pairedToReference.length ? `${fmtRatio(median(pairedToReference))} (${spread(pairedToReference)})` : '',
        fmtInt(best(slices[id])),
        fmtInt(bestRaw),
      ]);
      log(`paired: ${label}: ${fmtRatio(toRaw)} raw, ${toReference === undefined ? '—' : fmtRatio(toReference)} of its reference`);
    }
  }
  return {
    id: 'paired',
    title: 'Paired echo ratios (handler styles against raw uWS and their references)',
    intro:
      'The same echo load as above, measured differently: raw uWS, a handler style\'s bare-uWS reference and ' +
      'the Kindling rows read against it run side by side (one process each, started once), and the load ' +
      `generator measures them in turn, ${cfg.warmup} s warm-up and ${cfg.duration} s measured per slice, ` +
      `${cfg.cycles} cycles, raw uWS first and last. "× raw uWS" and "× its reference" divide best slices ` +
      '(every server had as many chances at a quiet moment, and noise only ever slows a slice down); the ' +
      'targets read them. "Slice by slice" divides each slice by the mean of the raw slices around it, or by ' +
      'its reference\'s slice of the same cycle: the median is a second estimate, and the range shows how much ' +
      'the machine moved during the group.',
    columns: [
      'Server', '× raw uWS', '× its reference', 'slice by slice × raw, median (range)',
      'slice by slice × its reference, median (range)', 'best slice, echoes/s', 'best raw slice, echoes/s',
    ],
    rows,
    data,
  };
}
