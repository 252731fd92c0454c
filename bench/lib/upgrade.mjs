// Group "upgrade": WebSocket handshakes per second (open TCP, GET + 101, close, repeat).
import { runLoadgen } from './proc.mjs';
import { SERVERS, attempt, fmtCpu, fmtInt, fmtRatio, fmtUs, log, na, noise, quietly, withServer } from './servers.mjs';

/** The headers of every upgrade request the upgrade groups send. */
export const HEADERS = ['X-Client-Version: 1.2.3', 'Cookie: session=s3cr3t; theme=dark'];
const SEVEN = SERVERS['kindling-7'].path;

/** Every server gets the same request as the seven-extractor route (the others ignore it). */
export const pathFor = (id) => (id === 'kindling-0' ? SERVERS[id].path : SEVEN);

export async function upgradeGroup(cfg, ids) {
  const results = {};
  for (const id of ids) {
    const def = SERVERS[id];
    const args = (server) =>
      [
        'upgrade',
        '-p',
        server.port,
        '--path',
        pathFor(id),
        ...HEADERS.flatMap((h) => ['-H', h]),
        '--concurrency',
        cfg.concurrency,
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
    log(`upgrade: ${def.label}:`, v ? `${fmtInt(v.upgrades_per_sec)}/s` : na(results[id].error));
  }
  const perCpu = (v) => (v && v.server_cpu > 0 ? v.upgrades_per_sec / v.server_cpu : NaN);
  const raw = results.raw?.value;
  const data = {};
  const rows = ids.map((id) => {
    const { value: v, error } = results[id];
    if (!v) return [SERVERS[id].label, na(error), '—', '—', '—', '—', '—', '—', '—', ''];
    data[id] = { rate: v.upgrades_per_sec, perCpu: perCpu(v), loadgenCpu: v.loadgen_cpu, serverCpu: v.server_cpu };
    const notes = [];
    if (v.non101)
      notes.push(
        `non-101: ${Object.entries(v.statuses)
          .map(([s, n]) => `${n}× ${s}`)
          .join(', ')}`,
      );
    if (v.errors) notes.push(`${fmtInt(v.errors)} connection errors`);
    if (noise(v)) notes.push(noise(v));
    return [
      SERVERS[id].label,
      fmtInt(v.upgrades_per_sec),
      fmtRatio(v.upgrades_per_sec / raw?.upgrades_per_sec),
      fmtInt(perCpu(v)),
      fmtRatio(perCpu(v) / perCpu(raw)),
      fmtUs(v.p50_us),
      fmtUs(v.p99_us),
      fmtCpu(v.server_cpu),
      fmtCpu(v.loadgen_cpu),
      notes.join('; '),
    ];
  });
  return {
    id: 'upgrade',
    title: 'Upgrades per second',
    intro:
      `${cfg.concurrency} concurrent clients, each: connect, send \`GET ${SEVEN}\` with ` +
      `${HEADERS.map((h) => `\`${h}\``).join(' and ')}, read the 101, close with RST (no TIME_WAIT), repeat. ` +
      `${cfg.warmup} s warm-up, ${cfg.duration} s measured. On loopback the connecting side does most of ` +
      'the TCP handshake work, so the load generator can saturate before the server: "per server ' +
      'CPU-second" divides by the server\'s own CPU use and stays meaningful when it does.',
    columns: ['Server', 'upgrades/s', '× raw uWS', 'per server CPU-second', '× raw uWS', 'handshake p50', 'p99', 'server CPU', 'loadgen CPU', 'notes'],
    rows,
    data,
  };
}
