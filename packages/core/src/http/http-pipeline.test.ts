import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { App } from '../app.js';
import { RemoteAddress } from '../extract/connection-info.js';
import { createExtractor } from '../extract/extractor.js';
import type { RequestContext } from '../request/request-context.js';
import { Router } from '../router/router.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function serve(router: Router): Promise<{ app: App; url: string }> {
  const app = new App(router, { logger: false });
  const port = await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}` };
}

describe('HTTP pipeline fast paths', () => {
  it('a handler without extractors or middleware: the same response as Response.text, HEAD without a body', async () => {
    const { app, url } = await serve(new Router().get('/', () => 'Hello World!').get('/n', () => ({ n: 1 })));
    try {
      const res = await fetch(`${url}/`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.match(res.headers.get('x-request-id') ?? '', UUID);
      assert.equal(await res.text(), 'Hello World!');
      const head = await fetch(`${url}/`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), '12');
      assert.equal(await head.text(), '');
      const json = await fetch(`${url}/n`, { headers: { 'x-request-id': 'mine-1' } });
      assert.equal(json.headers.get('x-request-id'), 'mine-1');
      assert.deepEqual(await json.json(), { n: 1 });
    } finally {
      await app.shutdown({ timeoutMs: 1000 });
    }
  });

  it('the peer address: read after an await, and by code that kept the request past the response', async () => {
    const late: Promise<string>[] = [];
    const keep = (ctx: RequestContext): void => {
      late.push(new Promise((resolve) => setTimeout(() => resolve(ctx.remoteAddress), 20)));
    };
    const Slow = createExtractor('Slow', async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ctx.remoteAddress;
    });
    const Kept = createExtractor('Kept', (ctx) => {
      keep(ctx);
      return 'kept';
    });
    const router = new Router()
      .get('/slow', [Slow, RemoteAddress()], (slow, ip) => ({ slow, ip }))
      .get('/sync', [Kept], (kept) => kept)
      .nest(
        '/mw',
        new Router()
          .use(async (ctx, next) => {
            keep(ctx);
            return next();
          })
          .get('/x', () => 'x'),
      );
    const { app, url } = await serve(router);
    try {
      assert.deepEqual(await (await fetch(`${url}/slow`)).json(), { slow: '127.0.0.1', ip: '127.0.0.1' });
      assert.equal(await (await fetch(`${url}/sync`)).text(), 'kept');
      assert.equal(await (await fetch(`${url}/mw/x`)).text(), 'x');
      assert.deepEqual(await Promise.all(late), ['127.0.0.1', '127.0.0.1']);
    } finally {
      await app.shutdown({ timeoutMs: 1000 });
    }
  });

  it('a client that leaves while an async handler runs: the server carries on', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const router = new Router()
      .get('/wait', async () => {
        await gate;
        finished = true;
        return 'late';
      })
      .get('/ok', () => 'ok');
    const { app, url } = await serve(router);
    try {
      const socket = connect(app.port as number, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write('GET /wait HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(finished, true);
      assert.equal(await (await fetch(`${url}/ok`)).text(), 'ok');
    } finally {
      await app.shutdown({ timeoutMs: 1000 });
    }
  });
});
