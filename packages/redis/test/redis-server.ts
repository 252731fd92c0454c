import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether Debian's redis-server is installed. Outside CI a missing binary skips the Redis tests with one loud line. */
export function redisMissing(): string | false {
  if (spawnSync('redis-server', ['--version']).status === 0) return false;
  const message = 'redis-server is not installed: the Redis tests are SKIPPED (apt-get install redis-server; .ci/run installs it)';
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! ${message}\n`);
  return message;
}

/** A free TCP port on 127.0.0.1 (never 6379). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server of the test's own on a free port, saving nothing to disk; stop, kill and restart it on the same port. */
export class RedisServer implements AsyncDisposable {
  readonly port: number;
  readonly url: string;
  readonly #extra: string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, extra: string[]) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#extra = extra;
  }

  static async start(extra: string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), extra);
    await server.restart();
    return server;
  }

  /** Starts redis-server (again) on this port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.#extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('exit', (code, signal) => {
      if (this.#child === child) console.error(`redis-server on ${this.port} ended by itself (${code ?? signal})`);
    });
  }

  /** SIGKILL: every connection drops at once, nothing is answered. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}
