// The servers a run can measure, and small helpers shared by the groups.
import { startServer, Unavailable, waitForQuiet } from './proc.mjs';

/**
 * Each server: a file in bench/servers/, the path the load generator requests, for the Kindling
 * echo servers the route with heartbeat and rate limit on, `batchedReplies` for a server that
 * answers a batch of messages with one frame (the load generator then counts its echoes), and
 * `reference` for a Kindling echo row: the bare-uWS server doing the least its handler style needs,
 * and `env` for the server's environment (`KINDLING_ENGINE: 'node'` for the node engine rows).
 */
export const SERVERS = {
  raw: { label: 'raw uWS', file: 'raw-uws-echo.mjs', path: '/' },
  mh: {
    label: 'Kindling messageHandler',
    file: 'kindling-ws-echo-message-handler.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    reference: 'ref-copy',
  },
  // The same echo with Prometheus metrics on (prom-client loaded, handlers timed): the shared-core
  // group compares it with 'mh' (target ≥ 0.98), the memory group reports its idle cost.
  'mh-metrics': {
    label: 'Kindling messageHandler, metrics on',
    file: 'kindling-ws-echo-metrics.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    reference: 'ref-copy',
  },
  'mh-metrics-process': {
    label: 'Kindling messageHandler, metrics on with default process metrics',
    file: 'kindling-ws-echo-metrics-process.mjs',
    path: '/echo',
    reference: 'ref-copy',
  },
  forawait: {
    label: 'Kindling for await',
    file: 'kindling-ws-echo-forawait.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    reference: 'ref-forawait',
  },
  // The least each handler style's contract costs, written directly on uWS (see the file).
  'ref-copy': { label: 'bare uWS: copy, then echo (messageHandler reference)', file: 'bare-uws-references.mjs', path: '/copy-echo' },
  'ref-forawait': { label: 'bare uWS: for await loop (for await reference)', file: 'bare-uws-references.mjs', path: '/for-await' },
  'ref-batch': {
    label: 'bare uWS: batch of 16, one reply (batchHandler reference)',
    file: 'bare-uws-references.mjs',
    path: '/batch',
    batchedReplies: true,
  },
  batch: { label: 'Kindling batchHandler, one reply per message', file: 'kindling-ws-echo-batch-handler.mjs', path: '/echo' },
  'batch-replies': {
    label: 'Kindling batchHandler, one reply per batch',
    file: 'kindling-ws-echo-batch-replies.mjs',
    path: '/echo',
    batchedReplies: true,
    reference: 'ref-batch',
  },
  // The same Kindling servers on the node engine (node:http + ws), beside plain ws.
  'node-mh': {
    label: 'Kindling messageHandler, node engine',
    file: 'kindling-ws-echo-message-handler.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    env: { KINDLING_ENGINE: 'node' },
  },
  'node-forawait': {
    label: 'Kindling for await, node engine',
    file: 'kindling-ws-echo-forawait.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    env: { KINDLING_ENGINE: 'node' },
  },
  // events(): every message is a request with an id, answered with a reply (--proto events).
  events: {
    label: 'Kindling events(), request with reply',
    file: 'kindling-ws-events-echo.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    proto: 'events',
    reference: 'ref-events',
  },
  'mh-json': {
    label: 'Kindling messageHandler, the same requests parsed and answered by hand',
    file: 'kindling-ws-json-echo-message-handler.mjs',
    path: '/echo',
    policiesPath: '/echo-policies',
    proto: 'events',
  },
  'ref-events': {
    label: 'bare uWS: parse, dispatch by type, JSON reply (events() reference)',
    file: 'bare-uws-references.mjs',
    path: '/events',
    proto: 'events',
  },
  ws: { label: 'ws', file: 'ws-echo.mjs', path: '/' },
  fastify: { label: 'fastify + @fastify/websocket', file: 'fastify-echo.mjs', path: '/' },
  socketio: { label: 'socket.io', file: 'socketio-echo.mjs', proto: 'socketio' },
  'kindling-7': {
    label: 'Kindling, 7 extractors',
    file: 'kindling-upgrade-7-extractors.mjs',
    path: '/ws/room/lobby?token=abcdefgh12345678&limit=10',
  },
  'kindling-0': { label: 'Kindling, no extractor', file: 'kindling-upgrade-7-extractors.mjs', path: '/echo' },
  'node-7': {
    label: 'Kindling, 7 extractors, node engine',
    file: 'kindling-upgrade-7-extractors.mjs',
    path: '/ws/room/lobby?token=abcdefgh12345678&limit=10',
    env: { KINDLING_ENGINE: 'node' },
  },
  'raw-pub': { label: 'raw uWS', file: 'raw-uws-broadcast.mjs' },
  'kindling-pub': { label: 'Kindling', file: 'kindling-ws-broadcast.mjs' },
  'ws-pub': { label: 'ws', file: 'ws-broadcast.mjs' },
  // serve(): one app per worker thread on a shared port, joined by the threads bus.
  'threads-1': { label: 'Kindling serve(), 1 thread', file: 'kindling-threads-1.mjs', path: '/echo' },
  'threads-2': { label: 'Kindling serve(), 2 threads', file: 'kindling-threads-2.mjs', path: '/echo' },
  'threads-1-pub': { label: 'Kindling serve(), 1 thread', file: 'kindling-threads-1.mjs' },
  'threads-2-pub': { label: 'Kindling serve(), 2 threads (threads bus)', file: 'kindling-threads-2.mjs' },
  'raw-http': { label: 'raw uWS', file: 'raw-uws-http-hello.mjs' },
  'kindling-http': { label: 'Kindling', file: 'kindling-http-hello.mjs' },
};

/** The load generator's arguments that select a server's path and protocol. */
export function targetArgs(def, { policies = false } = {}) {
  if (def.proto === 'socketio') return ['--proto', 'socketio'];
  const path = ['--path', (policies && def.policiesPath) || def.path || '/'];
  return def.proto === 'events' ? ['--proto', 'events', ...path] : path;
}

/** Waits for a quiet machine, starts a server, runs `fn` with it, and always stops it. */
export async function withServer(def, fn) {
  await waitForQuiet(log);
  const server = await startServer(def.file, { env: def.env });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** Runs `fn`, turning any failure into a short reason (the runner never crashes on a row). */
export async function attempt(fn) {
  try {
    return { value: await fn() };
  } catch (error) {
    const message = error instanceof Unavailable ? error.message : `error: ${error?.message ?? error}`;
    return { error: message };
  }
}

export const log = (...parts) => process.stderr.write(`[bench] ${parts.join(' ')}\n`);

export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
export const fmtCpu = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—');
export const fmtUs = (us) => {
  if (!Number.isFinite(us)) return '—';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`;
};
export const na = (reason) => `n/a (${reason})`;

/**
 * A note when processes other than the server and the load generator used a noticeable share of
 * the machine during the measured window (the loadgen reports the machine's busy time).
 */
export function noise(v) {
  const other = otherBusy(v);
  return other > 0.15 ? `other processes busy (${Math.round(other * 100)}% of a core)` : '';
}

/** Cores used by anything but the server and the load generator during the window. */
const otherBusy = (v) => (v?.machine_busy ?? NaN) - (v?.loadgen_cpu ?? 0) - (v?.server_cpu ?? 0);

let retriesLeft = 12;

/** Sets how many noisy measurements a run may repeat in all. */
export function setRetryBudget(n) {
  retriesLeft = n;
}

/**
 * Runs a measurement; if other processes disturbed it (see {@link noise}), runs it again, at most
 * twice and within the run's retry budget. Keeps the least disturbed result.
 */
export async function quietly(measure) {
  let last = await measure();
  let best = last;
  for (let tries = 0; noise(last) && tries < 2 && retriesLeft > 0; tries++) {
    retriesLeft--;
    log(`disturbed by other processes (${Math.round(otherBusy(last) * 100)}% of a core): measuring again`);
    last = await measure();
    if (!(otherBusy(last) >= otherBusy(best))) best = last;
  }
  return best;
}
