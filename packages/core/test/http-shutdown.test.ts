import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import { App, ListenError, Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { deferred, canConnect } from './fixtures.js';

describe('HTTP shutdown', () => {
  test('stops accepting, answers the in-flight request, then resolves', async () => {
    const release = deferred();
    const entered = deferred();
    const app = new App(
      new Router().get('/slow', async () => {
        entered.resolve();
        await release.promise;
        return 'finished';
      }),
      { logger: false },
    );
    const port = await app.listen(0, '127.0.0.1');
    const inflight = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({ status: r.status, text: await r.text() }));
    await entered.promise;
    let shutdownDone = false;
    const shutdown = app.shutdown({ timeoutMs: 5000 }).then((r) => {
      shutdownDone = true;
      return r;
    });
    assert.equal(await canConnect(port), false, 'the listen socket is closed at once');
    assert.equal(shutdownDone, false, 'shutdown waits for the in-flight request');
    release.resolve();
    assert.deepEqual(await inflight, { status: 200, text: 'finished' });
    assert.deepEqual(await shutdown, { closed: 0, forced: 0 });
  });

  test('shutdown twice returns the same result', async () => {
    const app = new App(new Router(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const [a, b] = await Promise.all([app.shutdown(), app.shutdown()]);
    assert.deepEqual(a, b);
  });

  test('invalid options fail at construction with a clear message', () => {
    assert.throws(
      () =>
        new App(
          new Router().websocket('/ws', () => undefined, { maxPayloadLength: -1 }),
          { logger: false },
        ),
      /maxPayloadLength/,
    );
  });
});

describe('listening', () => {
  test('a second app on a taken port is an error, not a silent split of the traffic', async () => {
    const first = new App(new Router(), { logger: false });
    const port = await first.listen(0, '127.0.0.1');
    await first.shutdown({ timeoutMs: 100 });
    const a = new App(
      new Router().get('/', () => 'a'),
      { logger: false },
    );
    await a.listen({ port, host: '127.0.0.1' });
    try {
      const b = new App(
        new Router().get('/', () => 'b'),
        { logger: false },
      );
      await assert.rejects(b.listen({ port, host: '127.0.0.1' }), { name: 'ListenError', code: 'EADDRINUSE', address: '127.0.0.1', port });
    } finally {
      await a.shutdown({ timeoutMs: 100 });
    }
  });

  test('a port held by another process is EADDRINUSE with the address, and the app can listen elsewhere', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const app = new App(
        new Router().get('/', () => 'ok'),
        { logger: false },
      );
      const err = await app.listen({ port, host: '127.0.0.1' }).then(
        () => assert.fail('listen should have failed'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ListenError);
      assert.equal(err.code, 'EADDRINUSE');
      assert.equal(err.syscall, 'listen');
      assert.equal(err.address, '127.0.0.1');
      assert.equal(err.port, port);
      assert.equal(
        err.message,
        `Could not listen on 127.0.0.1:${port}: the address is already in use; stop the other server or pick another port (0 picks a free one) (EADDRINUSE)`,
      );
      // The failed attempt left nothing behind: the same app can still listen on a free port.
      await using server = await TestServer.start(app);
      await server.request('GET', '/').expectStatus(200).expectText('ok');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test("an address that is not this machine's is EADDRNOTAVAIL", async () => {
    const app = new App(new Router(), { logger: false });
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    await assert.rejects(app.listen({ port: 0, host: '192.0.2.1' }), { name: 'ListenError', code: 'EADDRNOTAVAIL', address: '192.0.2.1', port: 0 });
  });
});

describe('metrics', () => {
  test('app.metrics() reports the phase, open connections and requests in flight', async () => {
    const release = deferred();
    const entered = deferred();
    const router = new Router()
      .get('/slow', async () => {
        entered.resolve();
        await release.promise;
        return 'ok';
      })
      .websocket('/ws', (ws) => ws.keepOpen());
    const app = new App(router, { logger: false });
    assert.equal(app.metrics().phase, 'idle');
    const port = await app.listen(0, '127.0.0.1');
    const { default: WebSocket } = await import('ws');
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve) => client.on('open', resolve));
    const { get } = await import('node:http');
    const slow = new Promise<string>((resolve) =>
      get({ host: '127.0.0.1', port, path: '/slow', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }),
    );
    await entered.promise;
    const during = app.metrics();
    assert.equal(during.phase, 'listening');
    assert.equal(during.connections, 1);
    assert.equal(during.inFlight, 1);
    release.resolve();
    assert.equal(await slow, 'ok');
    const closed = new Promise((resolve) => client.on('close', resolve));
    await app.shutdown({ timeoutMs: 1000 });
    await closed;
    assert.deepEqual({ phase: app.metrics().phase, connections: app.metrics().connections }, { phase: 'closed', connections: 0 });
  });
});
