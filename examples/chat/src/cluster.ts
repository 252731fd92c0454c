// `npm run start:cluster`: two chat nodes on one Redis, as two processes (PORT and PORT+1).
// Open one page on each port: messages, join/leave notices and the "here now" list cross nodes.
// Env: REDIS_URL (default redis://127.0.0.1:6379), PORT (default 3001), CHAT_TOKEN, LOG_LEVEL.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('./server.js', import.meta.url));
const first = Number(process.env['PORT'] ?? 3001);
const env = { ...process.env, REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' };
const nodes = [first, first + 1].map((port) => spawn(process.execPath, [server], { env: { ...env, PORT: String(port) }, stdio: 'inherit' }));
let exited = 0;
for (const node of nodes) {
  node.once('exit', (code) => {
    if (code !== 0) process.exitCode = code ?? 1;
    if (++exited === nodes.length) return;
    // One node ended: stop the other too, gracefully.
    for (const other of nodes) if (other.exitCode === null) other.kill('SIGTERM');
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const node of nodes) node.kill(signal);
  });
}
