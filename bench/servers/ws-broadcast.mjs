// Peer broadcast with `ws`: /sub connections are kept in a set, each message on /pub is sent to
// all of them. Usage: node ws-broadcast.mjs [port]
import { WebSocketServer } from 'ws';
import { ready } from './ready.mjs';

const subscribers = new Set();
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  if (req.url === '/sub') {
    subscribers.add(ws);
    ws.on('close', () => subscribers.delete(ws));
    return;
  }
  ws.on('message', (data, isBinary) => {
    for (const sub of subscribers) sub.send(data, { binary: isBinary });
  });
});
wss.on('listening', () => {
  ready(wss.address().port, () => new Promise((done) => wss.close(done)));
});
wss.on('error', (error) => {
  console.error(`ws-broadcast: ${error.message}`);
  process.exit(1);
});
