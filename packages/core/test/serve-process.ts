import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

/** A `serve()` fixture in a process of its own, with every stdout line it printed. */
export class ServeProcess implements AsyncDisposable {
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;
  readonly #watchers = new Set<() => void>();
  #stderr = '';
  port = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.lines.push({ text: line });
      }
      for (const watcher of this.#watchers) watcher();
    });
  }

  /** Starts `script` and waits for its `{"port":N}` line. */
  static async start(script: string, env: Record<string, string> = {}): Promise<ServeProcess> {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServeProcess(child);
    const ready = await Promise.race([
      server.waitLine((l) => typeof l.port === 'number', 45_000),
      server.exited.then(({ code, signal }) => new Error(`exited (${code ?? signal}) before listening: ${server.stderr}`)),
    ]);
    if (ready instanceof Error) throw ready;
    server.port = ready.port as number;
    return server;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the first stdout line (seen or to come) that matches. */
  waitLine(match: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
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

  /** SIGTERM: every thread shuts down gracefully. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    return this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.stop();
    clearTimeout(timer);
  }
}

/** A `ws` client that hands out its text frames in order. */
export class FrameClient {
  readonly frames: string[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  readonly #socket: WebSocket;
  #taken = 0;
  #wake: (() => void) | undefined;

  constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.#socket.on('message', (data: Buffer) => {
      this.frames.push(data.toString('utf8'));
      this.#wake?.();
    });
    this.#socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.#socket.once('close', (code) => resolve(code)));
    this.opened = new Promise((resolve, reject) => {
      this.#socket.once('open', () => resolve());
      this.#socket.once('error', reject);
    });
  }

  /** The next frame not yet taken. */
  async next(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.#taken >= this.frames.length) {
      if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.frames[this.#taken++] as string;
  }

  /** Sends `text` and returns the next frame. */
  async ask(text: string): Promise<string> {
    this.#socket.send(text);
    return this.next();
  }

  send(text: string): void {
    this.#socket.send(text);
  }

  close(): void {
    this.#socket.close();
  }
}
