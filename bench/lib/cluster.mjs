// Group "cluster": cross-node fan-out on one Redis. Two server nodes share a redis-server of the
// run's own; subscribers are split over them, one publisher on node A keeps messages in flight,
// and every delivery's publish-to-delivery latency is taken. Kindling (redisBus) beside
// socket.io with @socket.io/redis-adapter, in the same run. The clients are JavaScript (`ws`),
// the same for both systems.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { cpuSeconds, sleep, Unavailable } from './proc.mjs';
import { attempt, fmtInt, fmtRatio, log, na, withServer } from './servers.mjs';

const SYSTEMS = {
  'kindling-redis': { label: 'Kindling, redisBus', file: 'kindling-redis-node.mjs', proto: 'kindling' },
  'socketio-redis': { label: 'socket.io + @socket.io/redis-adapter', file: 'socketio-redis-node.mjs', proto: 'socketio' },
};

export async function clusterGroup(cfg) {
  let redis;
  try {
    redis = await startRedis();
  } catch (error) {
    return { id: 'cluster', title: 'Cross-node fan-out on Redis', intro: na(error.message), columns: ['result'], rows: [[na(error.message)]], data: {} };
  }
  process.env.BENCH_REDIS_URL = redis.url;
  const results = {};
  try {
    for (const id of cfg.systems) {
      const def = SYSTEMS[id];
      results[id] = await attempt(() => withServer(def, (a) => withServer(def, (b) => measure(def, a, b, cfg))));
      const v = results[id].value;
      log(`cluster: ${def.label}:`, v ? `${fmtInt(v.perSec)} deliveries/s, p50 ${v.p50.toFixed(2)} ms, p99 ${v.p99.toFixed(2)} ms` : na(results[id].error));
    }
  } finally {
    redis.stop();
  }
  const sioResult = results['socketio-redis']?.value;
  const sio = sioResult?.perSec;
  const sioPerCpu = sioResult === undefined ? Number.NaN : sioResult.perSec / sioResult.cpu;
  const data = {};
  const rows = cfg.systems.map((id) => {
    const { value: v, error } = results[id];
    if (!v) return [SYSTEMS[id].label, na(error), '—', '—', '—', '—', '—', '—', '—', ''];
    const perCpu = v.perSec / v.cpu;
    data[id] = { rate: v.perSec, perCpu, runnerCpu: v.runnerCpu };
    const notes = v.missing ? `${fmtInt(v.missing)} deliveries missing at the end` : '';
    return [
      SYSTEMS[id].label,
      fmtInt(v.perSec),
      id === 'socketio-redis' ? '1.00×' : fmtRatio(v.perSec / sio),
      fmtInt(perCpu),
      id === 'socketio-redis' ? '1.00×' : fmtRatio(perCpu / sioPerCpu),
      `${v.p50.toFixed(2)} ms`,
      `${v.p99.toFixed(2)} ms`,
      `${v.cpu.toFixed(2)} cores`,
      `${Math.round(v.runnerCpu * 100)}%`,
      notes,
    ];
  });
  return {
    id: 'cluster',
    title: `Cross-node fan-out: ${fmtInt(cfg.subscribers)} subscribers on two nodes, one Redis`,
    intro:
      `Two server nodes on one redis-server; ${fmtInt(cfg.subscribers)} subscribers split evenly over them, one publisher on ` +
      `node A keeping ${cfg.inflight} ${cfg.payload}-byte messages in flight (paced by a subscriber on node B). ` +
      `${cfg.warmup} s warm-up, ${cfg.duration} s measured. Latency: publish to delivery, every delivery. ` +
      'Server CPU: both nodes together. The clients are JavaScript (`ws`) in the runner, one thread for all of ' +
      "them: where the runner's CPU nears 100% of a core, the deliveries/s are the runner's ceiling, not the " +
      'servers\', and "per server CPU-second" (deliveries divided by the CPU time both nodes used) is the figure ' +
      'that compares the systems.',
    columns: ['System', 'deliveries/s', '× socket.io', 'per server CPU-second', '× socket.io', 'p50', 'p99', 'server CPU', 'runner CPU', 'notes'],
    rows,
    data,
  };
}

async function measure(def, a, b, cfg) {
  const half = Math.floor(cfg.subscribers / 2);
  const subs = [];
  for (let i = 0; i < cfg.subscribers; i++) subs.push(await subscriber(def.proto, i < half ? a.port : b.port));
  const publisher = await open(def.proto, a.port, 'pub');
  const pacer = subs[half]; // on node B: every message crossed Redis
  const filler = 'x'.repeat(Math.max(0, cfg.payload - 24));
  let seq = 0;
  let acked = 0;
  const send = () => publisher.send(def.proto, `${seq++} ${performance.now().toFixed(3)} ${filler}`);
  pacer.onDelivery = () => {
    acked++;
    if (!stopped) send();
  };
  let stopped = false;
  for (let i = 0; i < cfg.inflight; i++) send();
  await sleep(cfg.warmup * 1000);
  for (const s of subs) s.reset();
  const cpu0 = cpuSeconds(a.pid) + cpuSeconds(b.pid);
  const runner0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(cfg.duration * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (cpuSeconds(a.pid) + cpuSeconds(b.pid) - cpu0) / seconds;
  const runnerUsage = process.cpuUsage(runner0);
  const runnerCpu = (runnerUsage.user + runnerUsage.system) / 1e6 / seconds;
  const delivered = subs.reduce((n, s) => n + s.count, 0);
  const latencies = subs.flatMap((s) => s.latencies).sort((x, y) => x - y);
  stopped = true;
  await sleep(300);
  const missing = subs.reduce((n, s) => n + Math.max(0, seq - s.total), 0);
  for (const s of [...subs, publisher]) s.close();
  if (acked === 0) throw new Unavailable('no message crossed to node B');
  return { perSec: delivered / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), cpu, runnerCpu, missing };
}

function quantile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A client speaking plain Kindling frames or socket.io (engine.io v4) packets. */
async function open(proto, port, role) {
  const url = proto === 'socketio' ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&role=${role}` : `ws://127.0.0.1:${port}/${role}`;
  const socket = new WebSocket(url);
  const client = {
    count: 0,
    total: 0,
    latencies: [],
    onDelivery: undefined,
    reset() {
      this.count = 0;
      this.latencies = [];
    },
    send(p, text) {
      socket.send(p === 'socketio' ? `42${JSON.stringify(['pub', text])}` : text);
    },
    close() {
      socket.terminate();
    },
  };
  const connected = new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (data) => {
      let text = data.toString();
      if (proto === 'socketio') {
        if (text.startsWith('0')) return socket.send('40'); // engine.io open → connect the namespace
        if (text.startsWith('40')) return resolve();
        if (text === '2') return socket.send('3'); // ping → pong
        if (!text.startsWith('42')) return;
        text = JSON.parse(text.slice(2))[1];
      }
      const at = Number(text.split(' ', 2)[1]);
      client.count++;
      client.total++;
      client.latencies.push(performance.now() - at);
      client.onDelivery?.();
    });
    if (proto !== 'socketio') socket.once('open', () => resolve());
  });
  await connected;
  return client;
}

const subscriber = (proto, port) => open(proto, port, 'sub');

/** A redis-server of the run's own on a free port, saving nothing. */
async function startRedis() {
  const port = await new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.once('error', () => reject(new Error('redis-server is not installed (apt-get install redis-server)')));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stdout.resume();
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}
