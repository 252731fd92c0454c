import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';
import { rawExchange, upgradeRequest } from './raw-http.js';

failOnEscapedErrors();

const UPGRADE_REQUIRED = '{"error":{"code":"UPGRADE_REQUIRED","message":"This route only accepts WebSocket upgrades"}}';
const NO_UPGRADE_TOKEN = '{"error":{"code":"INVALID_HANDSHAKE","message":"Invalid WebSocket handshake: the Connection header must include \\"upgrade\\""}}';

function build() {
  const opened = { n: 0 };
  const router = new Router().websocket('/ws', async (ws) => {
    opened.n++;
    ws.sendText('in');
    await ws.recv();
  });
  return { router, opened };
}

/** The status line, lower-cased headers and body of a raw HTTP answer. */
function parse(reply: string): { status: string; headers: Record<string, string>; body: string } {
  const end = reply.indexOf('\r\n\r\n');
  assert.notEqual(end, -1, `no complete head in ${JSON.stringify(reply)}`);
  const [status = '', ...lines] = reply.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: reply.slice(end + 4) };
}

describe('the handshake checks Upgrade and Connection', () => {
  test('an upgrade without Upgrade: websocket is a 426 UPGRADE_REQUIRED, never a 101', async () => {
    const { router, opened } = build();
    await using server = await TestServer.start(router);
    for (const upgrade of [null, 'h2c', 'websocket2', 'websocket, h2c']) {
      const reply = parse(await rawExchange(server.port, (s) => s.write(upgradeRequest('/ws', { upgrade }))));
      assert.equal(reply.status, 'HTTP/1.1 426 Upgrade Required', `Upgrade: ${upgrade}`);
      assert.equal(reply.headers['upgrade'], 'websocket');
      assert.equal(reply.body, UPGRADE_REQUIRED);
    }
    assert.equal(opened.n, 0);
  });

  test('an upgrade whose Connection header has no upgrade token is a 400 INVALID_HANDSHAKE', async () => {
    const { router, opened } = build();
    await using server = await TestServer.start(router, { logs: true });
    for (const connection of [null, 'keep-alive', 'close', 'upgraded']) {
      const reply = parse(await rawExchange(server.port, (s) => s.write(upgradeRequest('/ws', { connection }))));
      assert.equal(reply.status, 'HTTP/1.1 400 Bad Request', `Connection: ${connection}`);
      assert.equal(reply.body, NO_UPGRADE_TOKEN);
    }
    assert.equal(opened.n, 0);
  });

  test('Upgrade and Connection compare case-insensitively; Connection is a token list', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const spellings = [
      { upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' },
      { upgrade: 'WEBSOCKET', connection: 'upgrade' },
      { upgrade: 'websocket', connection: 'Keep-Alive,UPGRADE' },
    ];
    for (const headers of spellings) {
      const reply = await rawExchange(server.port, (s) => s.write(upgradeRequest('/ws', headers)));
      assert.match(reply, /^HTTP\/1\.1 101 Switching Protocols\r\n/, JSON.stringify(headers));
    }
    await server.expectLog(() => server.logs.filter((entry) => entry.msg === 'ws.open').length === spellings.length);
  });
});

describe('the 101 carries x-request-id', () => {
  /** Upgrades with the `ws` client (which checks the 101) and returns the response's headers. */
  function upgradeWith(url: string, headers: Record<string, string> = {}): Promise<{ requestId: string | undefined; ws: WebSocket }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('upgrade', (res) => {
        const value = res.headers['x-request-id'];
        resolve({ requestId: typeof value === 'string' ? value : undefined, ws });
      });
      ws.once('error', reject);
    });
  }

  async function closeClient(ws: WebSocket): Promise<void> {
    if (ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }

  test('a well-formed client id comes back in the 101 and is the requestId of ws.open and ws.close', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { requestId, ws } = await upgradeWith(`${server.wsUrl}/ws`, { 'x-request-id': 'trace-42.a/b' });
    assert.equal(requestId, 'trace-42.a/b');
    await server.expectLog({ msg: 'ws.open', requestId: 'trace-42.a/b', route: '/ws' });
    await closeClient(ws);
    await server.expectLog({ msg: 'ws.close', requestId: 'trace-42.a/b' });
  });

  test('without a client id, the generated one in the 101 is the one ws.open and ws.close log', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { requestId, ws } = await upgradeWith(`${server.wsUrl}/ws`);
    assert.match(requestId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const open = await server.expectLog({ msg: 'ws.open', route: '/ws' });
    assert.equal(open['requestId'], requestId);
    await closeClient(ws);
    const close = await server.expectLog({ msg: 'ws.close' });
    assert.equal(close['requestId'], requestId);
  });

  test('a malformed client id is replaced by a generated one, in the 101 and in the log alike', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { requestId, ws } = await upgradeWith(`${server.wsUrl}/ws`, { 'x-request-id': 'has spaces <script>' });
    assert.notEqual(requestId, 'has spaces <script>');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    const open = await server.expectLog({ msg: 'ws.open' });
    assert.equal(open['requestId'], requestId);
    await closeClient(ws);
  });

  test('every refusal before the upgrade carries the id too', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const reply = parse(await rawExchange(server.port, (s) => s.write(upgradeRequest('/ws', { connection: null, 'x-request-id': 'refused-1' }))));
    assert.equal(reply.headers['x-request-id'], 'refused-1');
  });
});
