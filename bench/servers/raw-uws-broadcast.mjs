// Baseline broadcast: /sub subscribes to one topic, each message on /pub is `app.publish`ed to it.
// Usage: node raw-uws-broadcast.mjs [port]
import uWS from 'uWebSockets.js';
import { ready } from './ready.mjs';

const TOPIC = 'room';
const app = uWS
  .App()
  .ws('/sub', {
    compression: uWS.DISABLED,
    idleTimeout: 120,
    open: (ws) => {
      ws.subscribe(TOPIC);
    },
  })
  .ws('/pub', {
    compression: uWS.DISABLED,
    idleTimeout: 120,
    message: (ws, message, isBinary) => {
      app.publish(TOPIC, message, isBinary);
    },
  });
app.listen('127.0.0.1', Number(process.argv[2] ?? 0), (listenSocket) => {
  if (!listenSocket) {
    console.error('raw-uws-broadcast: could not listen');
    process.exit(1);
  }
  ready(uWS.us_socket_local_port(listenSocket), () => uWS.us_listen_socket_close(listenSocket));
});
