import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Router, type Message } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { engineOf, failOnEscapedErrors } from './fixtures.js';
import { clientFrame, closeOf, closePayload, rawFrameClient, type ServerFrame } from './raw-frames.js';

failOnEscapedErrors();

function build() {
  const received: Message[] = [];
  const router = new Router().websocket('/hold', async (ws) => {
    for await (const message of ws) received.push(message);
  });
  return { router, received };
}

/** Opens a raw connection tagged with `id` (its requestId in the log), sends `bytes`, waits for TCP to close. */
async function exchange(server: TestServer, id: string, bytes: Buffer, waitMs = 2000): Promise<{ frames: ServerFrame[]; ended: boolean }> {
  const client = await rawFrameClient(server.port, '/hold', { 'x-request-id': id });
  client.write(bytes);
  const frames = await client.settle(waitMs);
  const ended = client.ended;
  client.destroy();
  return { frames, ended };
}

function onlyClose(frames: readonly ServerFrame[]): { code: number | undefined; reason: string } {
  assert.equal(frames.length, 1, `one frame expected, got ${frames.length}`);
  return closeOf(frames[0] as ServerFrame);
}

describe('close frames from the peer', () => {
  test('a close frame with a valid code is echoed and logged with that code', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    for (const [code, reason] of [
      [1000, 'bye'],
      [1001, ''],
      [4999, 'app'],
    ] as const) {
      const { frames, ended } = await exchange(server, `valid-${code}`, clientFrame(8, closePayload(code, reason)));
      assert.equal(ended, true);
      assert.deepEqual(onlyClose(frames), { code, reason });
      await server.expectLog({ msg: 'ws.close', requestId: `valid-${code}`, code, initiatedBy: 'client' });
    }
  });

  test('an empty close frame is echoed empty and logged as 1005', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { frames } = await exchange(server, 'empty', clientFrame(8, ''));
    assert.deepEqual(onlyClose(frames), { code: undefined, reason: '' });
    await server.expectLog({ msg: 'ws.close', requestId: 'empty', code: 1005 });
  });

  test('engine-specific: an invalid close code — uws answers an empty close frame and logs 1006; node answers 1002', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const engine = engineOf(server.app);
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]) {
      const { frames, ended } = await exchange(server, `invalid-${code}`, clientFrame(8, closePayload(code, 'x')));
      assert.equal(ended, true, `code ${code}: TCP closed`);
      if (engine === 'node') {
        assert.equal(closeOf(frames[0] as ServerFrame).code, 1002, `code ${code}`);
      } else {
        // uWS checks the code itself and answers with no code; the close callback only ever sees
        // 1006 and no reason, the same as for a dropped TCP connection.
        assert.deepEqual(onlyClose(frames), { code: undefined, reason: '' }, `code ${code}`);
        await server.expectLog({ msg: 'ws.close', requestId: `invalid-${code}`, code: 1006, reason: '', initiatedBy: 'client' });
      }
    }
  });

  test('engine-specific: a one-byte close payload — uws answers an empty close frame and logs 1005; node answers 1002', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { frames } = await exchange(server, 'one-byte', clientFrame(8, Buffer.from([3])));
    if (engineOf(server.app) === 'node') {
      assert.equal(closeOf(frames[0] as ServerFrame).code, 1002);
    } else {
      assert.deepEqual(onlyClose(frames), { code: undefined, reason: '' });
      await server.expectLog({ msg: 'ws.close', requestId: 'one-byte', code: 1005 });
    }
  });

  test('engine-specific: a close reason that is not UTF-8 — uws answers an empty close frame and logs 1006; node answers 1007', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { frames, ended } = await exchange(server, 'bad-utf8', clientFrame(8, closePayload(1000, Buffer.from([0x61, 0xff, 0xfe]))));
    assert.equal(ended, true);
    if (engineOf(server.app) === 'node') {
      assert.equal(closeOf(frames[0] as ServerFrame).code, 1007);
    } else {
      assert.deepEqual(onlyClose(frames), { code: undefined, reason: '' });
      await server.expectLog({ msg: 'ws.close', requestId: 'bad-utf8', code: 1006, reason: '' });
    }
  });

  test('engine-specific: registered codes 1012-1014 and 3000-3999 — uws refuses them like invalid ones; node echoes them', async () => {
    const { router } = build();
    await using server = await TestServer.start(router, { logs: true });
    const engine = engineOf(server.app);
    for (const code of [1012, 1013, 1014, 3000, 3999]) {
      const { frames } = await exchange(server, `registered-${code}`, clientFrame(8, closePayload(code)));
      if (engine === 'node') {
        assert.deepEqual(onlyClose(frames), { code, reason: '' }, `code ${code}`);
      } else {
        assert.deepEqual(onlyClose(frames), { code: undefined, reason: '' }, `code ${code}`);
        await server.expectLog({ msg: 'ws.close', requestId: `registered-${code}`, code: 1006 });
      }
    }
  });
});

describe('frames the uws engine does not check (docs/engines.md)', () => {
  test('engine-specific: an unmasked client frame — uws reads the next four bytes as the mask and does not close; node closes 1002', async () => {
    const { router, received } = build();
    await using server = await TestServer.start(router, { logs: true });
    const engine = engineOf(server.app);
    const { frames, ended } = await exchange(server, 'unmasked', clientFrame(1, 'hi', { mask: false }), engine === 'uws' ? 300 : 2000);
    if (engine === 'node') {
      assert.equal(closeOf(frames[0] as ServerFrame).code, 1002);
    } else {
      // "hi" is taken as half of a mask key: uWS waits for the rest of a frame that never comes.
      assert.deepEqual({ frames, ended }, { frames: [], ended: false });
      assert.equal(received.length, 0);
      // An unmasked binary frame of length 2 whose first four payload-position bytes are zero:
      // uWS takes them as the mask key and delivers the two bytes after them.
      const { frames: more } = await exchange(server, 'unmasked-binary', Buffer.from([0x82, 0x02, 0, 0, 0, 0, 7, 8]), 300);
      assert.deepEqual(more, []);
      await server.expectLog(() => received.length === 1);
      const message = received[0];
      assert.equal(message?.type, 'binary');
      assert.deepEqual(message.type === 'binary' ? [...message.data] : [], [7, 8]);
    }
  });

  test('engine-specific: a fragmented text message continued by a binary frame — uws delivers one binary message; node closes 1002', async () => {
    const { router, received } = build();
    await using server = await TestServer.start(router, { logs: true });
    const engine = engineOf(server.app);
    const bytes = Buffer.concat([clientFrame(1, 'ab', { fin: false }), clientFrame(2, 'cd')]);
    const { frames } = await exchange(server, 'mixed-fragments', bytes, engine === 'uws' ? 300 : 2000);
    if (engine === 'node') {
      assert.equal(closeOf(frames[0] as ServerFrame).code, 1002);
      assert.equal(received.length, 0);
    } else {
      assert.deepEqual(frames, []);
      await server.expectLog(() => received.length === 1);
      const message = received[0];
      assert.equal(message?.type, 'binary');
      assert.equal(message.type === 'binary' ? Buffer.from(message.data).toString() : '', 'abcd');
    }
  });
});
