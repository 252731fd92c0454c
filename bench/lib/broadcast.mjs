// Group "broadcast": one publisher, many subscribers on one topic; deliveries per second.
import { runLoadgen } from './proc.mjs';
import { SERVERS, attempt, fmtCpu, fmtInt, fmtRatio, log, na, noise, quietly, withServer } from './servers.mjs';

const PAYLOAD = 32;

export async function broadcastGroup(cfg, ids) {
  const results = {};
  for (const id of ids) {
    const def = SERVERS[id];
    const args = (server) =>
      [
        'broadcast',
        '-p',
        server.port,
        '--path',
        '/sub',
        '--pub-path',
        '/pub',
        '-c',
        cfg.subscribers,
        '-k',
        cfg.inflight,
        '-s',
        PAYLOAD,
        '-w',
        cfg.warmup,
        '-d',
        cfg.duration,
        '--server-pid',
        server.pid,
      ].map(String);
    const timeoutMs = (cfg.warmup + cfg.duration + 90) * 1000;
    results[id] = await attempt(() => quietly(() => withServer(def, (server) => runLoadgen(args(server), { timeoutMs }))));
    const v = results[id].value;
    log(`broadcast: ${def.label}:`, v ? `${fmtInt(v.deliveries_per_sec)} deliveries/s` : na(results[id].error));
  }
  const raw = results['raw-pub']?.value?.deliveries_per_sec;
  const data = {};
  const rows = ids.map((id) => {
    const { value: v, error } = results[id];
    if (!v) return [SERVERS[id].label, na(error), '—', '—', '—', '—', ''];
    data[id] = v.deliveries_per_sec;
    const notes = [];
    if (v.lost) notes.push(`${fmtInt(v.lost)} deliveries lost`);
    if (v.mismatched) notes.push(`${fmtInt(v.mismatched)} wrong`);
    if (v.closed_by_server) notes.push(`${fmtInt(v.closed_by_server)} closed by the server`);
    if (v.open < cfg.subscribers) notes.push(`only ${fmtInt(v.open)} subscribers connected`);
    if (noise(v)) notes.push(noise(v));
    return [
      SERVERS[id].label,
      fmtInt(v.deliveries_per_sec),
      fmtRatio(v.deliveries_per_sec / raw),
      v.publishes_per_sec.toFixed(1),
      fmtCpu(v.server_cpu),
      fmtCpu(v.loadgen_cpu),
      notes.join('; '),
    ];
  });
  return {
    id: 'broadcast',
    title: `Broadcast to ${fmtInt(cfg.subscribers)} subscribers`,
    intro:
      `${fmtInt(cfg.subscribers)} subscribers on \`/sub\`, one publisher on \`/pub\` whose every ` +
      `${PAYLOAD}-byte text message the server sends to all subscribers (raw uWS and Kindling: ` +
      '`app.publish`; ws: a loop over a set). The publisher keeps ' +
      `${cfg.inflight} messages in flight, paced by the first subscriber. ${cfg.warmup} s warm-up, ` +
      `${cfg.duration} s measured; afterwards every subscriber must have received every message ` +
      '(else "lost").',
    columns: ['Server', 'deliveries/s', '× raw uWS', 'publishes/s', 'server CPU', 'loadgen CPU', 'notes'],
    rows,
    data,
  };
}
