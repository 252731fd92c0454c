// The load generator's protocol self-test, against a `ws` server in this process that fragments
// its echoes, pings, closes and rejects on purpose. Part of the "loadgen" group.
import { WebSocketServer } from 'ws';
import { holdConnections, runLoadgen, sleep } from './proc.mjs';
import { attempt, fmtUs, log } from './servers.mjs';

/**
 * Starts the misbehaving server: /frag echoes in 3 fragments, /close closes after 10 messages,
 * /batch answers every 4 messages with one frame holding them back to back, /batch-bad does the
 * same with the last byte changed, /events answers an events() request { type, id, data } with
 * its reply { id, data }.
 */
async function startTestServer() {
  const stats = { pongs: 0, closeCodes: [] };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    maxPayload: 1 << 20,
    verifyClient: (info, done) => done(!info.req.url.startsWith('/reject'), 403),
  });
  wss.on('connection', (ws, req) => {
    const mode = req.url;
    let count = 0;
    const pinger = setInterval(() => ws.ping('p'), 5);
    ws.on('pong', () => stats.pongs++);
    ws.on('close', (code) => {
      clearInterval(pinger);
      if (mode === '/close') stats.closeCodes.push(code);
    });
    const pending = [];
    ws.on('message', (data, isBinary) => {
      count++;
      if (mode === '/close' && count === 10) return ws.close(1000, 'bye');
      if (mode === '/events') {
        const { id, data: payload } = JSON.parse(String(data));
        return ws.send(JSON.stringify({ id, data: payload }));
      }
      if (mode.startsWith('/batch')) {
        if (pending.push(data) < 4) return;
        const reply = Buffer.concat(pending.splice(0));
        if (mode === '/batch-bad') reply[reply.length - 1] ^= 1;
        return ws.send(reply, { binary: isBinary });
      }
      if (mode !== '/frag') return ws.send(data, { binary: isBinary });
      const third = Math.ceil(data.length / 3);
      for (let i = 0; i < 3; i++) {
        ws.send(data.subarray(i * third, (i + 1) * third), { binary: isBinary, fin: i === 2 });
      }
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return { port: wss.address().port, stats, close: () => new Promise((r) => wss.close(r)) };
}

const CHECKS = [
  {
    what: 'fragmented echoes, 64-bit lengths, partial writes, pings',
    args: ['echo', '--path', '/frag', '-s', '70000', '-c', '4', '-k', '8', '-w', '0.2', '-d', '1'],
    ok: (r, s) => r.echoes > 0 && r.mismatched === 0 && r.closed_by_server === 0 && s.pongs > 0,
    detail: (r, s) => `${r.echoes} echoes, ${r.mismatched} wrong, ${s.pongs} pongs`,
  },
  {
    what: 'fragmented echoes, 16-bit lengths',
    args: ['echo', '--path', '/frag', '-s', '200', '-c', '10', '-k', '4', '-w', '0.2', '-d', '0.5'],
    ok: (r) => r.echoes > 0 && r.mismatched === 0,
    detail: (r) => `${r.echoes} echoes, ${r.mismatched} wrong`,
  },
  {
    what: 'binary frames',
    args: ['echo', '--binary', '-s', '1000', '-c', '10', '-k', '4', '-w', '0.2', '-d', '0.5'],
    ok: (r) => r.echoes > 0 && r.mismatched === 0,
    detail: (r) => `${r.echoes} echoes, ${r.mismatched} wrong`,
  },
  {
    what: 'server close answered with a close frame',
    args: ['echo', '--path', '/close', '-c', '5', '-k', '1', '-w', '0.1', '-d', '0.5'],
    ok: (r, s) => r.closed_by_server === 5 && s.closeCodes.length === 5 && s.closeCodes.every((c) => c === 1000),
    detail: (r, s) => `${r.closed_by_server} closed, server saw codes ${[...new Set(s.closeCodes)].join(',') || 'none'}`,
  },
  {
    what: 'batched replies: one frame counts as its 4 echoes',
    args: ['echo', '--path', '/batch', '--batched-replies', '-c', '4', '-k', '8', '-w', '0.2', '-d', '0.5'],
    ok: (r) => r.echoes > 0 && r.mismatched === 0 && r.echoes === 4 * r.reply_frames,
    detail: (r) => `${r.echoes} echoes in ${r.reply_frames} frames, ${r.mismatched} wrong`,
  },
  {
    what: 'batched replies: a wrong chunk is counted wrong',
    args: ['echo', '--path', '/batch-bad', '--batched-replies', '-c', '4', '-k', '8', '-w', '0.1', '-d', '0.3'],
    ok: (r) => r.mismatched > 0,
    detail: (r) => `${r.mismatched} wrong`,
  },
  {
    what: 'events() requests: each in-flight id distinct, replies checked',
    args: ['echo', '--proto', 'events', '--path', '/events', '-c', '4', '-k', '16', '-w', '0.2', '-d', '0.5'],
    ok: (r) => r.echoes > 0 && r.mismatched === 0,
    detail: (r) => `${r.echoes} replies, ${r.mismatched} wrong`,
  },
  {
    what: "events() requests: a reply that is not the request's is counted wrong",
    args: ['echo', '--proto', 'events', '--path', '/', '-c', '2', '-k', '2', '-w', '0.1', '-d', '0.3'],
    ok: (r) => r.mismatched > 0,
    detail: (r) => `${r.mismatched} wrong`,
  },
  {
    what: 'non-101 responses counted apart',
    args: ['upgrade', '--path', '/reject', '-w', '0.1', '-d', '0.5', '--concurrency', '10'],
    ok: (r) => r.upgrades === 0 && r.non101 > 0 && r.statuses['403'] === r.non101,
    detail: (r) => `${r.upgrades} upgrades, ${r.non101} non-101 (${JSON.stringify(r.statuses)})`,
  },
  {
    what: 'upgrades with Sec-WebSocket-Accept checked',
    args: ['upgrade', '--path', '/', '-H', 'X-Test: 1', '-w', '0.1', '-d', '0.5', '--concurrency', '10'],
    ok: (r) => r.upgrades > 0 && r.non101 === 0 && r.errors === 0,
    detail: (r) => `${r.upgrades} upgrades, ${r.non101} non-101, ${r.errors} errors`,
  },
  {
    what: 'fixed-rate latency, every message answered',
    args: ['latency', '-r', '2000', '-c', '20', '-w', '0.1', '-d', '0.5'],
    ok: (r) => r.received === r.sent && r.sent > 0 && r.mismatched === 0,
    detail: (r) => `${r.received}/${r.sent} received, p99 ${fmtUs(r.p99_us)}`,
  },
];

export async function selftestRows() {
  const server = await startTestServer();
  const rows = [];
  try {
    for (const check of CHECKS) {
      const [mode, ...rest] = check.args;
      const r = await attempt(() => runLoadgen([mode, '-p', String(server.port), ...rest], { timeoutMs: 30_000 }));
      rows.push(r.value ? [check.what, check.ok(r.value, server.stats) ? 'pass' : 'FAIL', check.detail(r.value, server.stats)] : [check.what, 'FAIL', r.error]);
    }
    const hold = await attempt(async () => {
      const h = holdConnections(['-p', String(server.port), '-c', '200', '--hold', '20'], { timeoutMs: 30_000 });
      const held = await h.held;
      const first = await h.stats();
      await sleep(200);
      const second = await h.stats();
      const released = await h.release();
      return { held, pings: second.pings - first.pings, open: second.open, released };
    });
    const v = hold.value;
    rows.push([
      'idle connections held, pings counted on request, released',
      v && v.held.connected === 200 && v.open === 200 && v.pings > 0 && v.released ? 'pass' : 'FAIL',
      v ? `${v.held.connected}/200 connected, ${v.pings} pings in 0.2 s, released: ${Boolean(v.released)}` : hold.error,
    ]);
  } finally {
    await server.close();
  }
  for (const [what, result] of rows) log(`loadgen self-test: ${what}: ${result}`);
  return rows;
}
