// Group "upgrade-work": the CPU instructions one WebSocket upgrade costs the server in user space,
// counted by valgrind's callgrind. Rates and CPU-seconds move with whatever else the host runs;
// an instruction count does not, so this group can tell a change of a few percent in the upgrade
// path from noise, where the upgrade group cannot. Kernel work (accept, the socket calls) is not
// counted: it is the same for every server here. The main thread's count is the figure; V8's
// background threads (its optimizing compiler, still busy long after a warm-up under valgrind,
// and GC helpers) are shown apart.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Unavailable } from './proc.mjs';
import { SERVERS, attempt, fmtInt, fmtRatio, log, na } from './servers.mjs';
import { HEADERS, pathFor } from './upgrade.mjs';

// A small young generation makes scavenges frequent, so every counted window holds many of them
// and the garbage collector's share is averaged instead of landing in one window or the next.
const NODE_FLAGS = ['--max-semi-space-size=1'];

export async function upgradeWorkGroup(cfg, ids) {
  for (const tool of ['valgrind', 'callgrind_control']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Unavailable(`${tool} not installed (apt-get install valgrind)`);
  }
  const results = {};
  for (const id of ids) {
    results[id] = await attempt(() => countUpgrade(SERVERS[id], pathFor(id), cfg));
    const v = results[id].value;
    log(`upgrade-work: ${SERVERS[id].label}:`, v ? `${fmtInt(v.main)} instructions per upgrade` : na(results[id].error));
  }
  const raw = results.raw?.value?.main;
  const data = {};
  const rows = ids.map((id) => {
    const { value, error } = results[id];
    if (value === undefined) return [SERVERS[id].label, na(error), '—', '—', '—'];
    data[id] = { instructions: value.main, otherThreads: value.others };
    return [SERVERS[id].label, fmtInt(value.main), fmtInt(value.main - raw), fmtRatio(raw / value.main), fmtInt(value.others)];
  });
  return {
    id: 'upgrade-work',
    title: 'Instructions per upgrade',
    intro:
      `The server runs under valgrind's callgrind (node ${NODE_FLAGS.join(' ')}). ${cfg.upgrades} upgrades warm it up, ` +
      `then the instructions of the next ${cfg.upgrades} are counted, ${cfg.concurrency} at a time: connect, the same ` +
      'request as the upgrade group, read the 101, reset. User space only (kernel work is the same for every ' +
      'server), on the main thread; "other threads" are V8\'s optimizing compiler, which valgrind\'s slowness ' +
      'keeps busy long after the warm-up, and its GC helpers. The count does not move with the load on the host, ' +
      'so it shows changes of a few percent that the upgrade group\'s rates hide; "raw / server" is how the rates ' +
      'would compare if the kernel cost nothing.',
    columns: ['Server', 'instructions per upgrade', 'more than raw uWS', 'raw / server', 'other threads'],
    rows,
    data,
  };
}

/** Starts `def` under callgrind and returns the instructions per upgrade of the counted window. */
async function countUpgrade(def, path, cfg) {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-upgrade-work-'));
  const runner = [
    'valgrind',
    '--tool=callgrind',
    '--smc-check=all-non-file',
    '--dump-instr=no',
    '--separate-threads=yes',
    `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
    'node',
    ...NODE_FLAGS,
  ];
  try {
    const server = await startServer(def.file, { env: def.env, timeoutMs: cfg.startTimeoutMs, runner });
    try {
      await upgrades(server.port, path, cfg.upgrades, cfg.concurrency);
      control(server.pid, '-z');
      await upgrades(server.port, path, cfg.upgrades, cfg.concurrency);
      control(server.pid, '-d', 'window');
    } finally {
      await server.stop();
    }
    return windowCounts(dir, cfg.upgrades, server.stderr());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads the window's dump, one file per thread with --separate-threads (`<name>.1-01` is the
 * main thread), as instructions per upgrade: the main thread's and the other threads' together.
 */
function windowCounts(dir, upgradesCounted, stderr) {
  let main;
  let others = 0;
  for (const name of readdirSync(dir)) {
    const thread = /\.1-(\d+)$/.exec(name);
    if (thread === null) continue;
    const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, name), 'utf8'));
    if (totals === null) throw new Error(`no totals in the callgrind dump ${name}`);
    if (Number(thread[1]) === 1) main = Number(totals[1]);
    else others += Number(totals[1]);
  }
  if (main === undefined) throw new Error(`callgrind wrote no dump of the main thread; ${stderr.trim().split('\n').pop()}`);
  return { main: main / upgradesCounted, others: others / upgradesCounted };
}

function control(pid, ...args) {
  const r = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** Performs `total` upgrades of `path`, `concurrency` at a time; rejects on anything but a 101. */
function upgrades(port, path, total, concurrency) {
  const head =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
    `${HEADERS.map((header) => `${header}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    let started = 0;
    let done = 0;
    const next = () => {
      if (started === total) return;
      started++;
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk.toString('latin1');
        if (!answer.includes('\r\n\r\n')) return;
        socket.resetAndDestroy();
        if (!answer.startsWith('HTTP/1.1 101 ')) return reject(new Error(`not a 101: ${answer.split('\r\n')[0]}`));
        if (++done === total) resolve();
        else next();
      });
      socket.on('error', reject);
    };
    for (let i = 0; i < concurrency; i++) next();
  });
}
