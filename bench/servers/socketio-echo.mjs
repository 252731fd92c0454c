// Peer: socket.io echo over the WebSocket transport only (the load generator speaks engine.io v4).
// Usage: node socketio-echo.mjs [port]
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { ready } from './ready.mjs';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 16 * 1024,
  serveClient: false,
});
io.on('connection', (socket) => {
  socket.on('echo', (message) => {
    socket.emit('echo', message);
  });
});
http.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  ready(http.address().port, () => new Promise((done) => io.close(() => done())));
});
