import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { messageHandler, Router, type CloseInfo } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { engineOf, failOnEscapedErrors } from './fixtures.js';
import { clientFrame, closeOf, rawFrameClient, type ServerFrame } from './raw-frames.js';

failOnEscapedErrors();

const LARGE = 40 * 1024;

/**
 * Replies to each message inside the engine's message callback: an echo, the send result it got,
 * then what the message asks for (a large frame, a close, a terminate).
 */
function build() {
  const closed = new Map<string, CloseInfo>();
  const router = new Router().websocket(
    '/reply',
    messageHandler((ws, message) => {
      const text = message.type === 'text' ? message.text : '';
      const result = ws.sendText(`echo:${text}`);
      ws.sendJson({ result });
      if (text === 'large') ws.sendBinary(new Uint8Array(LARGE).fill(7));
      else if (text === 'close') void ws.close(4000, 'done').then((info) => closed.set(ws.requestId, info));
      else if (text === 'cut') {
        ws.terminate();
        closed.set(ws.requestId, ws.closeInfo as CloseInfo);
      }
    }),
  );
  return { router, closed };
}

/**
 * Sends `texts` as text frames in one TCP write; resolves with what came back once TCP closed or
 * a close frame came (the `node` engine waits for the peer's answer before it closes TCP).
 */
async function exchange(server: TestServer, id: string, texts: readonly string[]): Promise<{ frames: ServerFrame[]; ended: boolean }> {
  const client = await rawFrameClient(server.port, '/reply', { 'x-request-id': id });
  client.write(Buffer.concat(texts.map((text) => clientFrame(1, text))));
  const deadline = Date.now() + 3000;
  while (!client.ended && !client.frames().some((f) => f.opcode === 8) && Date.now() < deadline) await client.settle(10);
  const frames = client.frames();
  const ended = client.ended;
  client.destroy();
  return { frames, ended };
}

const texts = (frames: readonly ServerFrame[]) => frames.filter((f) => f.opcode === 1).map((f) => f.payload.toString());

describe('frames that arrive in one TCP read, answered inside the message callback', () => {
  test('every send is written, the replies keep their order, and a close sent after them follows them', async () => {
    const { router, closed } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { frames } = await exchange(server, 'in-order', ['one', 'large', 'two', 'close', 'after']);
    assert.deepEqual(texts(frames), [
      'echo:one',
      '{"result":"written"}',
      'echo:large',
      '{"result":"written"}',
      'echo:two',
      '{"result":"written"}',
      'echo:close',
      '{"result":"written"}',
    ]);
    const large = frames.find((f) => f.opcode === 2);
    assert.equal(large?.payload.length, LARGE);
    assert.equal(
      large.payload.every((b) => b === 7),
      true,
    );
    assert.deepEqual(closeOf(frames.at(-1) as ServerFrame), { code: 4000, reason: 'done' });
    await server.expectLog({ msg: 'ws.close', requestId: 'in-order', code: 4000, initiatedBy: 'server', messagesOut: 9 });
    assert.deepEqual(closed.get('in-order'), { code: 4000, reason: 'done', wasClean: true, initiatedBy: 'server' });
  });

  test('engine-specific: a terminate after sends in the callback drops TCP without a close frame; uws discards what the read sent, node delivers it', async () => {
    const { router, closed } = build();
    await using server = await TestServer.start(router, { logs: true });
    const { frames, ended } = await exchange(server, 'cut', ['one', 'cut', 'after']);
    assert.equal(ended, true);
    if (engineOf(server.app) === 'node') {
      assert.deepEqual(texts(frames), ['echo:one', '{"result":"written"}', 'echo:cut', '{"result":"written"}']);
      assert.equal(frames.length, 4, 'no close frame');
    } else {
      // uWS holds what a callback sends in its cork buffer, and close() drops it.
      assert.deepEqual(frames, []);
    }
    await server.expectLog({ msg: 'ws.close', requestId: 'cut', code: 1006, initiatedBy: 'server' });
    assert.equal(closed.get('cut')?.code, 1006);
  });
});
