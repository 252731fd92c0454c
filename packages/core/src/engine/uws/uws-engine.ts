import type * as UWS from 'uWebSockets.js';
import { probeListenError } from '../../server/listen-error.js';
import type { Engine, EngineBehavior, EngineHttpHandler, EngineListenOptions, EngineServer, EngineServerOptions } from '../engine.js';
import type { EnginePayload } from '@kindling/websocket';

/**
 * The `uws` engine: uWebSockets.js's native binding. Its request, response and socket objects
 * are the port's own shape, so they reach the pipelines untouched.
 */
export class UwsEngine implements Engine {
  readonly name = 'uws';
  readonly #uws: typeof UWS;

  constructor(uws: typeof UWS) {
    this.#uws = uws;
  }

  compression(on: boolean): number {
    return on ? this.#uws.SHARED_COMPRESSOR : this.#uws.DISABLED;
  }

  createServer(options: EngineServerOptions): EngineServer {
    const uws = this.#uws;
    const tls = options.tls;
    const app = tls
      ? uws.SSLApp({ cert_file_name: tls.certFile, key_file_name: tls.keyFile, ...(tls.passphrase ? { passphrase: tls.passphrase } : {}) })
      : uws.App();
    return new UwsServer(uws, app);
  }
}

/** uSockets' flag for a listen socket without SO_REUSEPORT (missing from the typings). */
const EXCLUSIVE_PORT = 1;

class UwsServer implements EngineServer {
  readonly #uws: typeof UWS;
  readonly #app: UWS.TemplatedApp;
  #listenSocket: UWS.us_listen_socket | undefined;

  constructor(uws: typeof UWS, app: UWS.TemplatedApp) {
    this.#uws = uws;
    this.#app = app;
  }

  ws(behavior: EngineBehavior): void {
    // The port's behavior is uWS's own shape; uWS calls it with its own objects.
    this.#app.ws('/*', behavior as unknown as UWS.WebSocketBehavior<unknown>);
  }

  any(handler: EngineHttpHandler): void {
    this.#app.any('/*', handler);
  }

  publish(topic: string, message: EnginePayload, isBinary?: boolean, compress?: boolean): boolean {
    return this.#app.publish(topic, message as UWS.RecognizedString, isBinary, compress);
  }

  async listen(options: EngineListenOptions): Promise<number> {
    const flags = (this.#uws as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT ?? EXCLUSIVE_PORT;
    // `listen(host, port, options, cb)`: the binding accepts it, its typings only list the form without a host.
    type ListenWithFlags = (host: string, port: number, flags: number, cb: (socket: UWS.us_listen_socket | false) => void) => UWS.TemplatedApp;
    const socket = await new Promise<UWS.us_listen_socket | false>((resolve) =>
      (this.#app.listen as unknown as ListenWithFlags).call(this.#app, options.host, options.port, options.reusePort ? 0 : flags, resolve),
    );
    if (!socket) throw await probeListenError(options.host, options.port);
    this.#listenSocket = socket;
    return this.#uws.us_socket_local_port(socket);
  }

  stopListening(): void {
    if (this.#listenSocket !== undefined) this.#uws.us_listen_socket_close(this.#listenSocket);
    this.#listenSocket = undefined;
  }

  close(): void {
    this.stopListening();
    // Present at run time in v20.30 (not in its typings): closes every socket, idle HTTP ones too.
    (this.#app as unknown as { close?: () => void }).close?.();
  }
}
