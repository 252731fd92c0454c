// Raw uWS echo plus one piece of work per message on the frame uWS hands over, to measure what
// reading a frame from JavaScript costs on this engine (docs/performance.md). Not part of a run:
// compare it with raw uWS by hand, both servers on one core and loaded at once, e.g.
//   taskset -c 1 node raw-uws-echo.mjs 9001 & FRAME_WORK=view taskset -c 1 node bare-uws-frame-work.mjs 9002 &
//   taskset -c 0 ../loadgen/bin/loadgen echo -p 9001 -c 100 -k 16 -s 32 -w 1 -d 3 &
//   taskset -c 0 ../loadgen/bin/loadgen echo -p 9002 --path /echo -c 100 -k 16 -s 32 -w 1 -d 3
// FRAME_WORK: userdata (default) | view | copy | decode | arena | slice.
// Usage: node bare-uws-frame-work.mjs [port]
import uWS from 'uWebSockets.js';
import { ready } from './ready.mjs';

const decoder = new TextDecoder();
const ARENA_BYTES = 8192;
let arena = new Uint8Array(ARENA_BYTES);
let arenaUsed = 0;

/** Each kind of work; its result is kept on the socket's user data so that it cannot be skipped. */
const WORK = {
  userdata: () => 0,
  view: (frame) => new Uint8Array(frame),
  copy: (frame) => new Uint8Array(new Uint8Array(frame)),
  decode: (frame) => decoder.decode(frame),
  arena: (frame) => {
    const size = frame.byteLength;
    if (arenaUsed + size > ARENA_BYTES) {
      arena = new Uint8Array(ARENA_BYTES);
      arenaUsed = 0;
    }
    arena.set(new Uint8Array(frame), arenaUsed);
    arenaUsed += size;
    return arenaUsed;
  },
  slice: (frame) => frame.slice(0),
};

const name = process.env.FRAME_WORK ?? 'userdata';
const work = WORK[name];
if (work === undefined) {
  console.error(`bare-uws-frame-work: FRAME_WORK must be one of ${Object.keys(WORK).join(', ')}`);
  process.exit(2);
}

const app = uWS.App().ws('/echo', {
  compression: uWS.DISABLED,
  maxPayloadLength: 16 * 1024,
  idleTimeout: 120,
  message: (ws, frame, isBinary) => {
    ws.getUserData().kept = work(frame);
    ws.send(frame, isBinary);
  },
});
app.listen('127.0.0.1', Number(process.argv[2] ?? 0), (listenSocket) => {
  if (!listenSocket) {
    console.error('bare-uws-frame-work: could not listen');
    process.exit(1);
  }
  ready(uWS.us_socket_local_port(listenSocket), () => uWS.us_listen_socket_close(listenSocket));
});
