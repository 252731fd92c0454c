// References: each handler style written directly on uWebSockets.js with the least work its
// contract needs and nothing else (no limits, counters, logging, error handling, timers or close
// handling), in the leanest form we know. They show how far below raw uWS each style's own work
// puts it on this engine; a Kindling row can come close to its reference, and measurement noise
// can put it above. Routes:
//   /copy-echo  messageHandler's contract: a message may be kept after the callback, and uWS
//               detaches its buffer when the callback returns, so each message is copied before
//               user code sees it; the echo sends the frame itself.
//   /for-await  `for await`'s contract: each message resolves the loop's pending promise with an
//               iterator result and the loop body runs in a microtask; the message is decoded
//               (the body may run after the buffer is gone) and the echo sends the frame while
//               it is still valid.
//   /batch      batchHandler's contract, one reply per batch: each message's text is decoded
//               when it arrives (a batch outlives the callbacks), and every 16 messages are
//               answered with one frame of their texts joined. No timer: a real batcher also
//               needs a deadline for partial batches.
//   /events     events()'s contract for a request: the text is parsed as JSON, the handler is
//               found by the envelope's type and called with its data, and the reply
//               {"id":…,"data":…} is the handler's result as JSON. No envelope checks, no ids in
//               flight, no error replies: only the work every request-with-reply protocol does.
// Usage: node bare-uws-references.mjs [port]
import uWS from 'uWebSockets.js';
import { ready } from './ready.mjs';

const BATCH_SIZE = 16;
const decoder = new TextDecoder();
const base = { compression: uWS.DISABLED, maxPayloadLength: 16 * 1024, idleTimeout: 120 };

/**
 * The least an async iterator fed by callbacks can be: one pending promise at a time, made with
 * one shared executor (no closure per read), resolved with an iterator result in the engine's
 * built-in shape (`value` before `done`).
 */
class Mailbox {
  static #filling = undefined;
  static #capture = (resolve) => {
    Mailbox.#filling.waiting = resolve;
  };
  waiting = undefined;
  queued = [];
  push(message) {
    const resolve = this.waiting;
    if (resolve === undefined) return void this.queued.push(message);
    this.waiting = undefined;
    resolve({ value: message, done: false });
  }
  next() {
    if (this.queued.length > 0) return Promise.resolve({ value: this.queued.shift(), done: false });
    Mailbox.#filling = this;
    return new Promise(Mailbox.#capture);
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

const eventHandlers = new Map([['echo', (data) => data]]);

const app = uWS
  .App()
  .ws('/copy-echo', {
    ...base,
    message: (ws, frame, isBinary) => {
      const data = ws.getUserData();
      data.last = new Uint8Array(new Uint8Array(frame));
      ws.send(frame, isBinary);
    },
  })
  .ws('/for-await', {
    ...base,
    open: (ws) => {
      const mailbox = new Mailbox();
      ws.getUserData().mailbox = mailbox;
      void (async () => {
        for await (const message of mailbox) ws.send(message.frame.byteLength !== 0 ? message.frame : message.text, false);
      })();
    },
    message: (ws, frame) => {
      ws.getUserData().mailbox.push({ text: decoder.decode(frame), frame });
    },
  })
  .ws('/batch', {
    ...base,
    open: (ws) => {
      ws.getUserData().texts = [];
    },
    message: (ws, frame) => {
      const data = ws.getUserData();
      const texts = data.texts;
      texts.push(decoder.decode(frame));
      if (texts.length < BATCH_SIZE) return;
      data.texts = [];
      let reply = '';
      for (const text of texts) reply += text;
      ws.send(reply, false);
    },
  })
  .ws('/events', {
    ...base,
    message: (ws, frame) => {
      const envelope = JSON.parse(decoder.decode(frame));
      const result = eventHandlers.get(envelope.type)(envelope.data);
      ws.send(`{"id":${JSON.stringify(envelope.id)},"data":${JSON.stringify(result)}}`, false);
    },
  });

app.listen('127.0.0.1', Number(process.argv[2] ?? 0), (listenSocket) => {
  if (!listenSocket) {
    console.error('bare-uws-references: could not listen');
    process.exit(1);
  }
  ready(uWS.us_socket_local_port(listenSocket), () => uWS.us_listen_socket_close(listenSocket));
});
