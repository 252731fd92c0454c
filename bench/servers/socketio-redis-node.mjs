// Peer: socket.io node with @socket.io/redis-adapter (cross-node fan-out), WebSocket transport
// only. Subscribers join one room; a `pub` event from a socket connected with ?role=pub is
// emitted to the room on every node. Env: BENCH_REDIS_URL. Usage: node socketio-redis-node.mjs [port]
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { ready } from './ready.mjs';

const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const pub = new Redis(url);
const sub = pub.duplicate();
const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 16 * 1024,
  serveClient: false,
  adapter: createAdapter(pub, sub, { key: 'bench' }),
});
io.on('connection', (socket) => {
  if (socket.handshake.query.role === 'pub') socket.on('pub', (message) => io.to('room').emit('msg', message));
  else socket.join('room');
});
http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  ready(http.address().port, async () => {
    await new Promise((done) => io.close(() => done()));
    pub.disconnect();
    sub.disconnect();
  });
});
