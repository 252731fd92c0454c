import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

/** Opens a WebSocket and records how it closed. */
export async function open(url: string): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** A child process running an app. */
export interface Child {
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; ms: number }>;
  readonly ready: Promise<number>;
  line(prefix: string): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  signalledAt: number;
}

/** Runs an app in a child process that prints `READY <port>` once listening. */
export function runChild(body: string): Child {
  const script = `
    import { App, Router } from '@kindling/core';
    const router = new Router().get('/ping', () => 'pong').websocket('/live', (ws) => ws.keepOpen());
    ${body}
  `;
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of waiters.filter((w) => line.startsWith(w.prefix))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const handle: Child = {
    lines,
    signalledAt: 0,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, ms: Date.now() - handle.signalledAt }))),
    ready: new Promise<number>((resolve) => waiters.push({ prefix: 'READY ', resolve: (l) => resolve(Number(l.slice(6))) })),
    line: (prefix) => {
      const found = lines.find((l) => l.startsWith(prefix));
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ prefix, resolve }));
    },
    kill: (signal) => {
      handle.signalledAt ||= Date.now();
      child.kill(signal);
    },
  };
  return handle;
}
