import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestServer } from '@kindling/testing';
import { assertFails } from './assert-failure.js';
import { StringVersion, Welcome, testRouter } from './fixtures.js';

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'condition not reached');
}

describe('TestWebSocket expectations', () => {
  let server: TestServer;
  before(async () => {
    server = await TestServer.start(testRouter(), { timeoutMs: 1000 });
  });
  after(() => server.close());

  it('sends and expects text, binary and pongs', async () => {
    await using ws = await server.ws('/echo');
    ws.sendText('hi');
    assert.equal(await ws.expectText('Echo: hi'), 'Echo: hi');
    ws.sendText('regex');
    await ws.expectText(/^Echo: re/);
    ws.sendText('predicate');
    await ws.expectText((t) => t.endsWith('cate'));
    ws.sendBinary(new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await ws.expectBinary(new Uint8Array([1, 2, 3])))], [1, 2, 3]);
    ws.sendBinary(new Uint8Array([9]));
    await ws.expectBinary((data) => data[0] === 9);
    ws.ping('p');
    assert.equal(Buffer.from(await ws.expectPong()).toString(), 'p');
    ws.sendJson({ a: 1 });
    await ws.expectText('Echo: {"a":1}');
  });

  it('fails expectText on a different text and names route, expected, received and last frames', async () => {
    await using ws = await server.ws('/echo');
    ws.sendText('first');
    await ws.expectText('Echo: first');
    ws.sendText('second');
    const err = await assertFails(
      ws.expectText('Echo: other'),
      /expectText failed on ws \/echo/,
      /expected: text "Echo: other"/,
      /received: text "Echo: second"/,
      /last frames:[\s\S]*→ text "first"[\s\S]*← text "Echo: first"[\s\S]*← text "Echo: second"/,
      /connection: open/,
    );
    assert.match(err.stack ?? '', /websocket-expectations\.test\.js/, 'the stack points at the test');
  });

  it('fails on a binary frame where text was expected, and on text where binary was', async () => {
    await using ws = await server.ws('/echo');
    ws.sendBinary(new Uint8Array([7]));
    await assertFails(ws.expectText('x'), /received: binary <1 bytes: 07>/);
    ws.sendText('t');
    await assertFails(ws.expectBinary(), /expected: a binary message/, /received: text "Echo: t"/);
    ws.sendBinary(new Uint8Array([1, 2]));
    await assertFails(ws.expectBinary(new Uint8Array([1, 3])), /equal to <2 bytes: 01 03>/, /received: binary <2 bytes: 01 02>/);
  });

  it('times out with the configured timeout', async () => {
    await using ws = await server.ws('/silent');
    await assertFails(ws.expectText('never', { timeoutMs: 50 }), /received: nothing within 50 ms/, /no frames yet/);
    await assertFails(ws.nextMessage({ timeoutMs: 20 }), /nextMessage failed/, /nothing within 20 ms/);
    await assertFails(ws.expectPong({ timeoutMs: 20 }), /expectPong failed/);
  });

  it('queues frames so none is lost between expectations, in order', async () => {
    await using ws = await server.ws('/burst');
    await waitUntil(() => ws.unread === 3);
    assert.deepEqual(await ws.nextMessage(), { type: 'text', text: 'one' });
    await ws.expectMessage((m) => m.type === 'text' && m.text === 'two');
    await ws.expectBinary(new Uint8Array([3]));
    assert.equal(ws.unread, 0);
  });

  it('expectMessage fails when the predicate rejects the next message', async () => {
    await using ws = await server.ws('/burst');
    await assertFails(
      ws.expectMessage(function isBinary(m) {
        return m.type === 'binary';
      }),
      /expected: a message accepted by predicate isBinary/,
      /received: text "one"/,
    );
  });

  it('matches JSON partially, exactly, with RegExp and predicate leaves', async () => {
    await using ws = await server.ws('/json');
    const value = await ws.expectJson({ type: 'welcome', user: { id: /^u-\d+$/ }, version: (v: unknown) => typeof v === 'number' });
    assert.deepEqual(value, { type: 'welcome', version: 2, user: { id: 'u-1', name: 'ann' }, tags: ['a', 'b'] });
  });

  it('shows a diff when JSON does not match', async () => {
    await using ws = await server.ws('/json');
    await assertFails(
      ws.expectJson({ type: 'hello', user: { name: 'bob' }, tags: ['a'], missing: true }),
      /expected: JSON matching/,
      /\$\.type: expected "hello", received "welcome"/,
      /\$\.user\.name: expected "bob", received "ann"/,
      /\$\.tags: expected 1 items, received 2/,
      /\$\.missing: missing \(expected true\)/,
    );
  });

  it('rejects extra keys with exact: true', async () => {
    await using ws = await server.ws('/json');
    await assertFails(
      ws.expectJson({ type: 'welcome', version: 2, user: { id: 'u-1', name: 'ann' } }, { exact: true }),
      /JSON equal to/,
      /\$\.tags: unexpected key/,
    );
  });

  it('validates JSON against a DTO and resolves with the instance', async () => {
    await using ws = await server.ws('/json');
    const welcome = await ws.expectJson(Welcome);
    assert.ok(welcome instanceof Welcome);
    assert.equal(welcome.version, 2);
  });

  it('fails DTO validation with the validation details', async () => {
    await using ws = await server.ws('/json');
    await assertFails(ws.expectJson(StringVersion), /JSON valid as DTO StringVersion/, /failed validation/, /version/);
  });

  it('fails expectJson on text that is not JSON', async () => {
    await using ws = await server.ws('/echo');
    ws.sendText('x');
    await assertFails(ws.expectJson(), /expected: any JSON/, /not JSON/);
  });

  it('expectNoMessage passes in silence and fails when a message is waiting or arrives', async () => {
    await using quiet = await server.ws('/silent');
    await quiet.expectNoMessage(30);
    await using ws = await server.ws('/echo');
    ws.sendText('late');
    await assertFails(ws.expectNoMessage(500), /expectNoMessage failed/, /received: text "Echo: late"/);
  });

  it('expectClosed checks the code and the reason', async () => {
    await using ws = await server.ws('/forbidden');
    await ws.expectText('checking');
    const info = await ws.expectClosed(4403, /not your room/);
    assert.deepEqual(info, { code: 4403, reason: 'not your room' });
    assert.equal(ws.isOpen, false);
    await assertFails(ws.expectClosed(1000), /expected: the connection to close with 1000/, /received: close 4403 "not your room"/);
    await assertFails(ws.expectClosed(4403, 'other'), /and reason "other"/);
    await assertFails(ws.expectText('more'), /the connection closed|close 4403/, /connection: closed 4403/);
    assert.throws(() => ws.sendText('after'), /the connection is closed \(4403/);
  });

  it('expectClosed fails while the connection stays open', async () => {
    await using ws = await server.ws('/silent');
    await assertFails(ws.expectClosed(1000, undefined, { timeoutMs: 30 }), /expectClosed failed/, /nothing within 30 ms/, /connection: open/);
  });

  it('close() from the test side completes the handshake', async () => {
    const ws = await server.ws('/closes');
    ws.sendText('hello');
    const info = await ws.close(4000, 'done');
    assert.equal(info.code, 4000);
    assert.equal(info.reason, 'done');
    assert.equal(ws.isOpen, false);
    assert.deepEqual(await ws.close(), info, 'closing again returns the first close');
  });

  it('the server closing after the handler returns is observed', async () => {
    await using ws = await server.ws('/closes');
    ws.sendText('bye');
    await ws.expectClosed(1000);
  });
});
