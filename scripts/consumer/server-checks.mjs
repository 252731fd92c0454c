// Starts docs/getting-started.md's server in the consumer app and checks it answers what the
// page's "Talking to it" section shows, over real sockets on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

const LISTENING = /listening on http:\/\/localhost:(\d+)/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * @typedef {object} RunningServer
 * @property {number} port
 * @property {() => string} output
 * @property {() => Promise<{ code: number | null, signal: NodeJS.Signals | null }>} stop  SIGTERM, then waits for the exit.
 */

/**
 * Spawns the server and resolves once it logged the port it listens on.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv }} options
 * @returns {Promise<RunningServer>}
 */
export function startServer(command, args, { cwd, env = {} }) {
  const childEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not log "listening on" within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      const match = LISTENING.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        output: () => output,
        stop: async () => {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/**
 * The page's requests and the answers it shows.
 *
 * @param {number} port
 */
export async function checkServer(port) {
  const base = `http://127.0.0.1:${port}`;
  const health = await fetch(`${base}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true });

  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${base}/rooms`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'lobby', capacity: 10 }) });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), '/rooms/lobby');
  assert.ok(created.headers.get('x-request-id'), 'every response carries x-request-id');
  assert.deepEqual(await created.json(), { name: 'lobby', capacity: 10 });

  const invalid = await fetch(`${base}/rooms`, { method: 'POST', headers: json, body: JSON.stringify({ name: '', capacity: 1 }) });
  assert.equal(invalid.status, 422);
  const failure = await invalid.json();
  assert.equal(failure.error.code, 'VALIDATION_FAILED');
  assert.deepEqual(failure.error.details.map((d) => d.property).sort(), ['capacity', 'name']);

  const notJson = await fetch(`${base}/rooms`, { method: 'POST', headers: json, body: '{' });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error.code, 'INVALID_JSON');
  const wrongType = await fetch(`${base}/rooms`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
  assert.equal(wrongType.status, 415);
  assert.equal((await wrongType.json()).error.code, 'UNSUPPORTED_MEDIA_TYPE');

  const nowhere = await upgrade(port, '/rooms/nowhere');
  assert.equal(nowhere.status, 404);
  assert.deepEqual(JSON.parse(nowhere.body), { error: { code: 'NOT_FOUND', message: 'No room named "nowhere"' } });

  const plain = await fetch(`${base}/rooms/lobby`);
  assert.equal(plain.status, 426);

  const joined = await upgrade(port, '/rooms/lobby', 'hi');
  assert.equal(joined.status, 101);
  assert.deepEqual(joined.frames, [JSON.stringify({ joined: 'lobby', capacity: 10 }), 'lobby: hi']);
}

/**
 * An upgrade request. On a 101 it sends `text` (if any), reads two text frames and closes;
 * otherwise it returns the response body.
 *
 * @param {number} port
 * @param {string} path
 * @param {string} [text]
 * @returns {Promise<{ status: number, body: string, frames: string[] }>}
 */
function upgrade(port, path, text) {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') },
      timeout: 10_000,
    });
    req.on('timeout', () => req.destroy(new Error(`upgrade to ${path} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, frames: [] }));
    });
    req.on('upgrade', (res, socket, head) => {
      let buffer = head;
      const frames = [];
      if (text !== undefined) socket.write(maskedTextFrame(text));
      const timer = setTimeout(() => socket.destroy(new Error(`no frames from ${path} within 10 s (got ${JSON.stringify(frames)})`)), 10_000);
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      const take = () => {
        while (buffer.length >= 2) {
          const length = buffer[1] & 0x7f;
          assert.ok(length < 126, 'the checked frames are short');
          if (buffer.length < 2 + length) return;
          assert.equal(buffer[0], 0x81, 'expected a final text frame');
          frames.push(buffer.subarray(2, 2 + length).toString('utf8'));
          buffer = buffer.subarray(2 + length);
        }
        if (frames.length >= 2) {
          clearTimeout(timer);
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, body: '', frames });
        }
      };
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        take();
      });
      take();
    });
    req.end();
  });
}

function maskedTextFrame(text) {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}
