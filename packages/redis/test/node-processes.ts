import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const script = fileURLToPath(new URL('./node-process.js', import.meta.url));

/** One Kindling node (node-process.ts) in a process of its own, with its stdout lines. */
export class NodeProcess implements AsyncDisposable {
  readonly lines: Record<string, unknown>[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #watchers = new Set<() => void>();
  port = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.lines.push({ text: line });
      }
      for (const watcher of this.#watchers) watcher();
    });
  }

  static async start(env: Record<string, string>): Promise<NodeProcess> {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const node = new NodeProcess(child);
    const ready = await Promise.race([
      node.waitLine((l) => typeof l.port === 'number', 45_000),
      node.#exited.then((code) => new Error(`node exited with ${code}: ${JSON.stringify(node.lines)}`)),
    ]);
    if (ready instanceof Error) throw ready;
    node.port = ready.port as number;
    return node;
  }

  /** Resolves with the first stdout line (seen or to come) that matches. */
  waitLine(match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(match);
        if (found === undefined) return;
        this.#watchers.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#watchers.delete(check);
        reject(new Error(`no matching line within ${timeoutMs} ms; got ${JSON.stringify(this.lines.slice(-10))}`));
      }, timeoutMs);
      this.#watchers.add(check);
      check();
    });
  }

  async get(path: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`);
    return response.json();
  }

  async post(path: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, { method: 'POST' });
    return response.json();
  }

  /** Opens `/t/<topic>` and waits for its `ready`. */
  async subscriber(topic: string): Promise<Client> {
    const client = new Client(`ws://127.0.0.1:${this.port}/t/${encodeURIComponent(topic)}`);
    await client.opened;
    await client.next();
    return client;
  }

  /** SIGKILL: no shutdown, no goodbye to Redis. */
  async crash(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM (graceful shutdown); resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    return this.#exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.stop();
    clearTimeout(timer);
  }
}

/** A received frame: text as a string, binary as a Buffer. */
export type Frame = string | Buffer;

/** A `ws` client that keeps every frame it receives. */
export class Client {
  readonly frames: Frame[] = [];
  readonly opened: Promise<void>;
  readonly socket: WebSocket;
  #taken = 0;
  #wake: (() => void) | undefined;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push(isBinary ? data : data.toString('utf8'));
      this.#wake?.();
    });
    this.socket.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  /** The next frame not yet taken. */
  async next(timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.#taken >= this.frames.length) {
      if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.frames[this.#taken++] as Frame;
  }

  /** Waits until `count` frames arrived in all (taken or not). */
  async waitFrames(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.frames.length} of ${count} frames within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  send(data: string | Uint8Array): void {
    this.socket.send(data, { binary: typeof data !== 'string' });
  }

  close(): void {
    this.socket.close();
  }
}
