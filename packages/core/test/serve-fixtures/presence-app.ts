// A server of two threads for serve-presence.test.ts. Each thread's app joins topic `threads`
// as `t<index>` before it listens, and prints every presence event it hears as
// {"thread":<index>,"presence":<event>}. A client on /p/{topic} gets `ready:<index>:<threadId>`
// and then sends `join:<name>`, `leave:<name>`, `members` or `members <topic>` (answered
// `members:<name>@<node>,...`, sorted),
// `block:<ms>` (this thread is busy that long, then answers `unblocked`), `shutdown` (this thread's
// app shuts down) or `crash` (this thread throws, uncaught). Env: PRESENCE_TIMEOUT_MS.
import { isMainThread, threadId } from 'node:worker_threads';
import { App, Path, Router, serve, type WebSocketConnection } from '@kindling/core';

const holder: { app?: App } = {};

const router = (thread: number) =>
  new Router().websocket('/p/{topic}', [Path()], async (path, ws: WebSocketConnection) => {
    const presence = holder.app?.presence;
    if (presence === undefined) return;
    ws.sendText(`ready:${thread}:${threadId}`);
    for await (const msg of ws) {
      const text = msg.type === 'text' ? msg.text : '';
      if (text.startsWith('join:')) {
        await presence.join(path.topic, text.slice(5), { thread });
        ws.sendText('joined');
      } else if (text.startsWith('leave:')) {
        await presence.leave(path.topic, text.slice(6));
        ws.sendText('left');
      } else if (text === 'members' || text.startsWith('members ')) {
        const members = await presence.members(text.slice(8) || path.topic);
        ws.sendText(
          `members:${members
            .map((m) => `${m.member}@${m.node}`)
            .sort()
            .join(',')}`,
        );
      } else if (text === 'shutdown') {
        // Started outside the engine's message callback: begun inside it, uWS drops this client (1006) instead of its 1001.
        setImmediate(() => void holder.app?.shutdown());
      } else if (text.startsWith('block:')) {
        // Busy for that long: this thread answers nothing, presence messages included.
        const until = Date.now() + Number(text.slice(6));
        while (Date.now() < until);
        ws.sendText('unblocked');
      } else if (text === 'crash') {
        setImmediate(() => {
          throw new Error(`crash in thread ${thread}`);
        });
      }
    }
  });

const server = await serve(
  import.meta.url,
  async ({ bus, thread }) => {
    const app = new App(router(thread), { bus, logger: { level: 'warn' } });
    holder.app = app;
    app.presence.on((event) => console.log(JSON.stringify({ thread, presence: event })));
    await app.presence.join('threads', `t${thread}`);
    return app;
  },
  { threads: 2, port: 0, host: '127.0.0.1', logger: { level: 'warn' }, presenceTimeoutMs: Number(process.env.PRESENCE_TIMEOUT_MS ?? 2000) },
);
if (isMainThread) console.log(JSON.stringify({ port: server.port, threads: server.threads }));
