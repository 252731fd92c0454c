import { connect } from 'node:net';
import { after } from 'node:test';

/** Fails the test run if anything escapes to the process while these tests run. */
export function failOnEscapedErrors(): void {
  const escaped: unknown[] = [];
  const record = (err: unknown) => escaped.push(err);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  after(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    if (escaped.length > 0) throw new Error(`errors escaped to the process: ${escaped.map(String).join('; ')}`);
  });
}

/** A promise with its resolve function, for tests that release a handler at a chosen moment. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Whether a TCP connection to 127.0.0.1:port is accepted (false once the listen socket is closed). */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * The engine a test server runs on, for the few answers that differ by engine (listed in
 * docs/engines.md). Read as a string so the check stays valid as engine names change.
 */
export function engineOf(app: { readonly engine: string }): 'uws' | 'node' {
  return app.engine === 'node' ? 'node' : 'uws';
}
