// Peer: fastify + @fastify/websocket echo. Usage: node fastify-echo.mjs [port]
import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import { ready } from './ready.mjs';

const app = Fastify({ logger: false });
await app.register(websocket, { options: { perMessageDeflate: false, maxPayload: 16 * 1024 } });
app.register(async (scope) => {
  scope.get('/*', { websocket: true }, (socket) => {
    socket.on('message', (data, isBinary) => {
      socket.send(data, { binary: isBinary });
    });
  });
});
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
ready(app.server.address().port, () => app.close());
