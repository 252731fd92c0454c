// Peer: the `ws` library's echo (with bufferutil/utf-8-validate when installed).
// Usage: node ws-echo.mjs [port]
import { WebSocketServer } from 'ws';
import { ready } from './ready.mjs';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.argv[2] ?? 0),
  perMessageDeflate: false,
  maxPayload: 16 * 1024,
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
});
wss.on('listening', () => {
  const address = wss.address();
  ready(typeof address === 'object' ? address.port : 0, () => new Promise((done) => wss.close(done)));
});
wss.on('error', (error) => {
  console.error(`ws-echo: ${error.message}`);
  process.exit(1);
});
