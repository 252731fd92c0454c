// Baseline: uWebSockets.js HTTP hello world. Usage: node raw-uws-http-hello.mjs [port]
import uWS from 'uWebSockets.js';
import { ready } from './ready.mjs';

const app = uWS.App().get('/*', (res) => {
  res.end('Hello World!');
});
app.listen('127.0.0.1', Number(process.argv[2] ?? 0), (listenSocket) => {
  if (!listenSocket) {
    console.error('raw-uws-http-hello: could not listen');
    process.exit(1);
  }
  ready(uWS.us_socket_local_port(listenSocket), () => uWS.us_listen_socket_close(listenSocket));
});
