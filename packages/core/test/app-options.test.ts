import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Router, type AppOptions } from '@kindling/core';
import { TestServer } from '@kindling/testing';

const APP = 'app-wide websocket defaults (new App(router, { websocket }))';
const stringInterval = { heartbeat: { intervalMs: '5000', timeoutMs: 1000 } } as unknown as AppOptions['websocket'];

describe('option errors name their scope and the type they got', () => {
  test('a bad app-wide heartbeat is reported as app-wide even with no WebSocket route', () => {
    assert.throws(
      () =>
        new App(
          new Router().get('/', () => 'ok'),
          { logger: false, websocket: stringInterval },
        ),
      {
        name: 'TypeError',
        message: `${APP}: heartbeat.intervalMs must be an integer from 10 to 2147483647, got string "5000"`,
      },
    );
  });

  test('a bad app-wide heartbeat is not blamed on the route that inherits it', () => {
    const router = new Router().websocket('/chat', (ws) => ws.close());
    assert.throws(
      () => new App(router, { logger: false, websocket: stringInterval }),
      (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.ok(err.message.startsWith(`${APP}: `), err.message);
        assert.doesNotMatch(err.message, /\/chat/);
        return true;
      },
    );
  });

  test("a bad route option names the route's full path and where it was declared", () => {
    const api = new Router().websocket('/chat', (ws) => ws.close(), stringInterval);
    assert.throws(() => new App(new Router().nest('/api', api), { logger: false }), {
      name: 'TypeError',
      message: `route /api/chat (websocket('/chat')): heartbeat.intervalMs must be an integer from 10 to 2147483647, got string "5000"`,
    });
  });

  test('every app-wide WebSocket default is checked, with the type of what it got', () => {
    const cases: [unknown, string][] = [
      [{ maxPayloadLength: '65536' }, 'maxPayloadLength must be an integer from 1 to 4294967295, got string "65536"'],
      [{ idleTimeoutMs: -1 }, 'idleTimeoutMs must be an integer from 0 to 2147483647, got number -1'],
      [{ closeOnBackpressureLimit: 'yes' }, 'closeOnBackpressureLimit must be a boolean, got string "yes"'],
      [{ heartbeat: true }, 'heartbeat must be { intervalMs, timeoutMs } or false, got boolean true'],
      [{ rateLimit: { messages: 10, perMs: '1000' } }, 'rateLimit.perMs must be an integer of at least 1, got string "1000"'],
      [{ connectionsPerIp: '5' }, 'connectionsPerIp must be a positive integer, got string "5"'],
      [{ protocols: 'v1' }, 'protocols must be an array of valid subprotocol tokens, got string "v1"'],
      [{ hardMaxPayloadLength: 2 ** 33 }, `hardMaxPayloadLength must be an integer from 1 to 4294967295, got number ${2 ** 33}`],
      ['yes', 'must be an object, got string "yes"'],
    ];
    for (const [websocket, message] of cases) {
      const options = { logger: false, websocket } as unknown as AppOptions;
      assert.throws(() => new App(new Router(), options), { name: 'TypeError', message: `${APP}: ${message}` }, JSON.stringify(websocket));
    }
  });

  test('bodyLimit and maxHeaderBytes are checked when the app is built, not at listen()', () => {
    for (const name of ['bodyLimit', 'maxHeaderBytes'] as const) {
      const options = { logger: false, [name]: '1mb' } as unknown as AppOptions;
      assert.throws(() => new App(new Router(), options), {
        name: 'TypeError',
        message: `new App(router, options): ${name} must be a positive number, got string "1mb"`,
      });
    }
  });

  test('valid app-wide defaults still reach the connections of every route', async () => {
    const router = new Router().websocket('/live', (ws) => ws.keepOpen());
    await using server = await TestServer.start(router, { app: { websocket: { maxPayloadLength: 8 } } });
    await using ws = await server.ws('/live');
    ws.sendText('more than eight bytes');
    await ws.expectClosed(1009);
  });
});
