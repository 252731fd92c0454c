// Baseline: uWebSockets.js echo with nothing on top. Usage: node raw-uws-echo.mjs [port]
import uWS from 'uWebSockets.js';
import { ready } from './ready.mjs';

const app = uWS.App().ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 16 * 1024,
  idleTimeout: 120,
  message: (ws, message, isBinary) => {
    ws.send(message, isBinary);
  },
});
app.listen('127.0.0.1', Number(process.argv[2] ?? 0), (listenSocket) => {
  if (!listenSocket) {
    console.error('raw-uws-echo: could not listen');
    process.exit(1);
  }
  ready(uWS.us_socket_local_port(listenSocket), () => uWS.us_listen_socket_close(listenSocket));
});
