import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { Json, Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { engineOf, failOnEscapedErrors } from './fixtures.js';
import { rawExchange, rawProbe, upgradeRequest } from './raw-http.js';

failOnEscapedErrors();

function build() {
  const calls = { ignoring: 0, reading: 0, other: 0 };
  const router = new Router()
    .post('/ignores-body', () => {
      calls.ignoring++;
      return 'ignored';
    })
    .post('/reads-body', [Json()], (body) => {
      calls.reading++;
      return { got: body };
    })
    .get('/other', () => {
      calls.other++;
      return 'other';
    })
    .websocket('/ws', (ws) => ws.sendText('in'));
  return { router, calls };
}

const FRAMING = (message: string, header: string) =>
  JSON.stringify({ error: { code: 'INVALID_BODY_FRAMING', message: `Ambiguous request body length: ${message}`, details: { header } } });
const REPEATED = FRAMING('Content-Length repeated or listing several values', 'content-length');
const TOO_LARGE = '{"error":{"code":"PAYLOAD_TOO_LARGE","message":"Request body exceeds 100 bytes","details":{"limit":100}}}';

/**
 * The `node` engine's answer to a request its parser refused: Kindling's JSON error with `code`
 * and the parser's code in `details`, a new `x-request-id`, and `connection: close`.
 */
function assertParserRefusal(reply: string, status: string, code: string, what: string): void {
  const { status: line, headers, body } = head(reply);
  assert.equal(line, `HTTP/1.1 ${status}`, what);
  assert.match(headers, /\r\ncontent-type: application\/json; charset=utf-8/, what);
  assert.match(headers, /\r\nx-request-id: [0-9a-f-]{36}/, what);
  assert.match(headers, /\r\nconnection: close/, what);
  const error = (JSON.parse(body) as { error: { code: string; details: { parserError: string } } }).error;
  assert.equal(error.code, code, what);
  assert.match(error.details.parserError, /^HPE_/, what);
}

function head(reply: string): { status: string; headers: string; body: string } {
  const end = reply.indexOf('\r\n\r\n');
  assert.notEqual(end, -1, `no complete head in ${JSON.stringify(reply)}`);
  return { status: reply.slice(0, reply.indexOf('\r\n')), headers: reply.slice(0, end).toLowerCase(), body: reply.slice(end + 4) };
}

const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

describe('Content-Length and Transfer-Encoding (RFC 9112 §6.3)', () => {
  test('two Content-Length headers, differing or equal, are a 400 and the connection closes', async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router);
    for (const [first, second] of [
      ['3', '10'],
      ['3', '3'],
    ]) {
      const request = `POST /ignores-body HTTP/1.1\r\nHost: x\r\nContent-Length: ${first}\r\nContent-Length: ${second}\r\n\r\nabc`;
      const reply = await rawProbe(server.port, request, 2000);
      assert.equal(reply.closed, true, 'the connection is closed');
      const { status, headers, body } = head(reply.data);
      assert.equal(status, 'HTTP/1.1 400 Bad Request');
      assert.match(headers, /\r\nconnection: close/);
      if (engineOf(server.app) === 'uws') assert.equal(body, REPEATED);
      else assertParserRefusal(reply.data, '400 Bad Request', 'INVALID_BODY_FRAMING', request);
    }
    assert.equal(calls.ignoring, 0);
  });

  test('a request pipelined behind conflicting Content-Lengths is never served (request smuggling)', async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router);
    // With the first length the body is "abc" and a GET follows; with the second the GET is body.
    const smuggling = 'POST /ignores-body HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabcGET /other HTTP/1.1\r\nHost: x\r\n\r\n';
    const reply = await rawProbe(server.port, smuggling, 2000);
    assert.equal(reply.closed, true);
    assert.doesNotMatch(reply.data, /200 OK/);
    // uws aborts the connection without an answer (a request arrived behind one still being
    // answered); node's parser answers 400. Neither serves the GET.
    if (engineOf(server.app) === 'node') assertParserRefusal(reply.data, '400 Bad Request', 'INVALID_BODY_FRAMING', 'smuggling');
    else assert.equal(reply.data, '');
    assert.deepEqual(calls, { ignoring: 0, reading: 0, other: 0 });
  });

  test("a Transfer-Encoding other than chunked is a 400 INVALID_BODY_FRAMING (node's parser refuses some itself)", async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router);
    const engine = engineOf(server.app);
    for (const coding of ['gzip, chunked', 'identity', 'chunked, chunked']) {
      const request = `POST /ignores-body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${coding}\r\n\r\n${chunk('abc')}0\r\n\r\n`;
      const reply = await rawProbe(server.port, request, 2000);
      const { status, body } = head(reply.data);
      assert.equal(status, 'HTTP/1.1 400 Bad Request', coding);
      assert.equal(reply.closed, true);
      // On node, llhttp refuses 'identity' and 'chunked, chunked' itself, before Kindling sees them.
      if (engine === 'uws' || coding === 'gzip, chunked') {
        assert.equal(body, FRAMING(`unsupported Transfer-Encoding "${coding}"; only chunked`, 'transfer-encoding'), coding);
      } else {
        assertParserRefusal(reply.data, '400 Bad Request', 'INVALID_BODY_FRAMING', coding);
      }
    }
    assert.equal(calls.ignoring, 0);
  });

  test('engine-specific: Transfer-Encoding with Content-Length, a Content-Length list or sign — uws drops the connection unanswered, node answers a JSON 400', async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router);
    const requests = [
      `POST /ignores-body HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('abc')}0\r\n\r\n`,
      'POST /ignores-body HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc',
      'POST /ignores-body HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc',
    ];
    for (const request of requests) {
      const reply = await rawProbe(server.port, request, 2000);
      assert.equal(reply.closed, true, request);
      if (engineOf(server.app) === 'node') assertParserRefusal(reply.data, '400 Bad Request', 'INVALID_BODY_FRAMING', request);
      else assert.equal(reply.data, '', request);
    }
    assert.equal(calls.ignoring, 0);
  });

  test('an upgrade with two Content-Lengths is a 400, never a 101', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const request = upgradeRequest('/ws').replace('\r\n\r\n', '\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n');
    const reply = await rawProbe(server.port, request, 2000);
    const { status, body } = head(reply.data);
    assert.equal(status, 'HTTP/1.1 400 Bad Request');
    assert.equal(reply.closed, true);
    if (engineOf(server.app) === 'uws') {
      assert.equal(body, REPEATED);
      await server.expectLog({ msg: 'ws.reject', status: 400, code: 'INVALID_BODY_FRAMING', route: '' });
    }
  });

  test('an upgrade carrying a body is a 400 INVALID_HANDSHAKE: after a 101 its bytes would be read as frames', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const withLength = upgradeRequest('/ws').replace('\r\n\r\n', '\r\nContent-Length: 5\r\n\r\nhello');
    const chunked = upgradeRequest('/ws').replace('\r\n\r\n', `\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('hello')}0\r\n\r\n`);
    for (const request of [withLength, chunked]) {
      const reply = await rawProbe(server.port, request, 2000);
      const { status, body } = head(reply.data);
      assert.equal(status, 'HTTP/1.1 400 Bad Request');
      assert.equal(body, '{"error":{"code":"INVALID_HANDSHAKE","message":"Invalid WebSocket handshake: an upgrade request carries no body"}}');
    }
  });

  test('one Content-Length, and Content-Length: 0, are served as before', async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router);
    await server
      .request('POST', '/reads-body', { headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
      .expectStatus(200)
      .expectJson({ got: { a: 1 } });
    const reply = await rawExchange(server.port, (s) => s.write('POST /ignores-body HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'));
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nignored$/);
    assert.equal(calls.ignoring, 1);
  });
});

describe('a chunked body over bodyLimit is a 413 whether or not the route reads it', () => {
  for (const path of ['/ignores-body', '/reads-body']) {
    test(`${path}: 413 PAYLOAD_TOO_LARGE and the connection closes`, async () => {
      const { router } = build();
      await using server = await TestServer.start(router, { app: { bodyLimit: 100 } });
      const request = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('a'.repeat(60))}${chunk('b'.repeat(60))}`;
      // The last chunk is never sent: the 413 must not wait for it.
      const reply = await rawProbe(server.port, request, 2000);
      const { status, headers, body } = head(reply.data);
      assert.equal(status, 'HTTP/1.1 413 Payload Too Large');
      assert.match(headers, /\r\nconnection: close/);
      assert.equal(body, TOO_LARGE);
      assert.equal(reply.closed, true);
    });
  }

  test('a chunked body within the limit: a route that ignores it answers once the last chunk arrived', async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router, { app: { bodyLimit: 100 } });
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    try {
      socket.write(`POST /ignores-body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('a'.repeat(100))}`);
      // The handler ran, but its answer waits: the body could still pass the limit.
      const deadline = Date.now() + 2000;
      while (calls.ignoring === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(calls.ignoring, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(received, '', 'no answer before the last chunk');
      socket.write('0\r\n\r\n');
      while (!received.endsWith('ignored') && Date.now() < deadline + 2000) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(received, /\r\n\r\nignored$/);
    } finally {
      socket.destroy();
      await closed;
    }
  });
});

describe('requests the uws engine leaves unanswered (docs/engines.md)', () => {
  const headerLines = (n: number) => Array.from({ length: n }, (_, i) => `x-h${i}: v\r\n`).join('');
  const unanswered = {
    'a malformed request line': 'GARBAGE\r\n\r\n',
    'a request without headers': 'GET /other HTTP/1.1\r\n\r\n',
    'bare-LF line endings': 'GET /other HTTP/1.1\nHost: x\n\n',
    '60 small headers': `GET /other HTTP/1.1\r\nHost: x\r\n${headerLines(59)}\r\n`,
  };

  test('engine-specific: uws sends nothing and keeps the socket open (it drops it after ~10 s); node answers at once, a JSON 400 where its parser refused', async () => {
    const { router, calls } = build();
    await using server = await TestServer.start(router);
    const engine = engineOf(server.app);
    // Probed together, so the quiet window is paid once.
    const replies = await Promise.all(Object.values(unanswered).map((request) => rawProbe(server.port, request, engine === 'uws' ? 400 : 2000)));
    for (const [i, name] of Object.keys(unanswered).entries()) {
      const reply = replies[i];
      assert.ok(reply);
      if (engine === 'uws') {
        assert.deepEqual(reply, { data: '', closed: false }, name);
      } else if (name === '60 small headers') {
        assert.match(reply.data, /^HTTP\/1\.1 200 OK\r\n/, name);
      } else if (name === 'a request without headers') {
        // Not a parse error: node's own Host check answers a bare 400.
        assert.match(reply.data, /^HTTP\/1\.1 400 /, name);
        assert.equal(reply.closed, true, name);
      } else {
        assertParserRefusal(reply.data, '400 Bad Request', 'BAD_REQUEST', name);
        assert.equal(reply.closed, true, name);
      }
    }
    assert.equal(calls.other, engine === 'uws' ? 0 : 1);
  });

  test("engine-specific: node: headers past its parser's limit (twice maxHeaderBytes) are a JSON 431 from the parser", async (t) => {
    const { router, calls } = build();
    await using server = await TestServer.start(router, { app: { maxHeaderBytes: 8192 } });
    if (engineOf(server.app) !== 'node') return t.skip('the node engine only');
    const reply = await rawProbe(server.port, `GET /other HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`, 2000);
    assertParserRefusal(reply.data, '431 Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'x-big');
    assert.equal(reply.closed, true);
    assert.equal(calls.other, 0);
  });

  test('48 header lines (Host included) are served on every engine: the most uws accepts', async () => {
    const { router } = build();
    await using server = await TestServer.start(router);
    const reply = await rawExchange(server.port, (s) => s.write(`GET /other HTTP/1.1\r\nHost: x\r\n${headerLines(47)}\r\n`));
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nother$/);
  });
});
