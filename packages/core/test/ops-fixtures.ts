import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';

/**
 * The path of a system binary (promtool, prometheus), or undefined after ONE loud line when it
 * is missing outside CI. In CI (`CI` set) a missing binary fails the test: `.ci/run` installs it.
 */
export function systemBinary(name: string, debianPackage: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found !== '') return found;
  if (process.env['CI']) throw new Error(`${name} is missing: .ci/run installs the Debian package '${debianPackage}'`);
  console.warn(`!!!!! SKIPPED: ${name} is not installed (apt-get install ${debianPackage}); the tests that need it did not run !!!!!`);
  return undefined;
}

/** A parsed HTTP/1.1 response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A TCP connection opened now and used for requests later: it stays accepted after the listen
 * socket closes, which is how a load balancer or Prometheus with keep-alive reaches a draining
 * app. (The node engine closes connections that are idle when shutdown starts; one with a
 * request under way, see {@link KeepAliveSocket.begin}, is served on both engines.)
 */
export class KeepAliveSocket {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #onData: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#onData?.();
    });
    socket.on('close', () => this.#onData?.());
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<KeepAliveSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new KeepAliveSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends `GET path` and reads one response (Content-Length framed). Rejects after 5 s. */
  get(path: string): Promise<RawResponse> {
    return this.begin(path)();
  }

  /**
   * Sends all of `GET path` but the blank line that ends its headers, so the connection counts
   * as busy with a request (an engine closing idle connections at shutdown leaves it open).
   * Returns the function that sends the rest and reads the response.
   */
  begin(path: string): () => Promise<RawResponse> {
    this.#socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n`);
    return () => {
      this.#socket.write('\r\n');
      return this.#response(path);
    };
  }

  #response(path: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete response to GET ${path} within 5 s`)), 5000);
      const check = () => {
        const text = this.#buffer.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (this.#buffer.length < end + 4 + length) return;
        const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        this.#buffer = this.#buffer.subarray(end + 4 + length);
        this.#onData = undefined;
        clearTimeout(timer);
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
      };
      this.#onData = check;
      check();
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** The sample lines of a Prometheus text exposition (no comments). */
export function samples(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** The value of one sample, e.g. `sample(text, 'kindling_ws_connections{route="/echo"}')`; undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = samples(text).find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * Sends `GET` for every path, pipelined on one connection, and resolves with the statuses in
 * order (cheap enough to send thousands). Rejects after 30 s.
 */
export function pipelinedGets(port: number, paths: readonly string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`pipelined GETs: ${text.match(/HTTP\/1\.1 \d{3}/g)?.length ?? 0} of ${paths.length} answers within 30 s`));
    }, 30_000);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      if (statuses.length < paths.length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(statuses);
    });
    socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join(''));
  });
}
