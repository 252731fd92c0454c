import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Router, type CloseInfo } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { engineOf, failOnEscapedErrors } from './fixtures.js';
import { clientFrame, closeOf, closePayload, rawFrameClient, type ServerFrame } from './raw-frames.js';

failOnEscapedErrors();

const HARD_LIMIT = 100;

/** A masked frame with a 16-bit length field (payloads of 126 bytes and more). */
function longFrame(opcode: number, payload: Buffer): Buffer {
  const head = Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const key = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, key, payload.map((b, i) => b ^ (key[i % 4] as number))]);
}

/** Sets RSV1 on a frame built by `clientFrame`. */
function withRsv1(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[0] = (copy[0] as number) | 0x40;
  return copy;
}

/**
 * Input `ws` refuses, with the close code and `ws` error it gives on the `node` engine, and what
 * the `uws` engine does with it (`dropped`: TCP closed without a close frame, reported as 1006),
 * where that is a close of its own (the rest is in strict-frames.test.ts).
 */
const CASES: readonly { name: string; bytes: Buffer; code: number; error: string; uws?: 'dropped' }[] = [
  { name: 'a text frame with invalid UTF-8', bytes: clientFrame(1, Buffer.from([0xc3, 0x28])), code: 1007, error: 'WS_ERR_INVALID_UTF8', uws: 'dropped' },
  {
    name: 'a frame over hardMaxPayloadLength',
    bytes: clientFrame(2, Buffer.alloc(HARD_LIMIT + 1)),
    code: 1009,
    error: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
    uws: 'dropped',
  },
  {
    name: 'a length field past 2^53 - 1',
    bytes: Buffer.from([0x82, 0x80 | 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    code: 1009,
    error: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
  },
  { name: 'an unmasked frame', bytes: clientFrame(1, 'hi', { mask: false }), code: 1002, error: 'WS_ERR_EXPECTED_MASK' },
  { name: 'a reserved opcode', bytes: clientFrame(3, 'x'), code: 1002, error: 'WS_ERR_INVALID_OPCODE', uws: 'dropped' },
  { name: 'RSV1 set without an extension', bytes: withRsv1(clientFrame(1, 'x')), code: 1002, error: 'WS_ERR_UNEXPECTED_RSV_1', uws: 'dropped' },
  { name: 'a ping of 126 bytes', bytes: longFrame(9, Buffer.alloc(126)), code: 1002, error: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', uws: 'dropped' },
  { name: 'a fragmented ping', bytes: clientFrame(9, 'x', { fin: false }), code: 1002, error: 'WS_ERR_EXPECTED_FIN' },
  {
    name: 'a fragmented text message continued by a binary frame',
    bytes: Buffer.concat([clientFrame(1, 'ab', { fin: false }), clientFrame(2, 'cd')]),
    code: 1002,
    error: 'WS_ERR_INVALID_OPCODE',
  },
  { name: 'a close frame with code 999', bytes: clientFrame(8, closePayload(999)), code: 1002, error: 'WS_ERR_INVALID_CLOSE_CODE' },
  { name: 'a close reason that is not UTF-8', bytes: clientFrame(8, closePayload(1000, Buffer.from([0xff]))), code: 1007, error: 'WS_ERR_INVALID_UTF8' },
];

/** A router whose handler records what it received and how each connection closed, by request id. */
function build() {
  const received = new Map<string, string[]>();
  const closed = new Map<string, CloseInfo>();
  const router = new Router().websocket('/hold', async (ws) => {
    const texts: string[] = [];
    received.set(ws.requestId, texts);
    for await (const message of ws) if (message.type === 'text') texts.push(message.text);
    closed.set(ws.requestId, await ws.closed);
  });
  return { router, received, closed };
}

const OPTIONS = { logs: true, app: { websocket: { hardMaxPayloadLength: HARD_LIMIT } } };

/** Sends a good text frame and `bytes` in one write; resolves when TCP closed (or after `waitMs`). */
async function exchange(server: TestServer, id: string, bytes: Buffer, waitMs = 3000): Promise<{ frames: ServerFrame[]; ended: boolean }> {
  const client = await rawFrameClient(server.port, '/hold', { 'x-request-id': id });
  client.write(Buffer.concat([clientFrame(1, 'before'), bytes]));
  const frames = await client.settle(waitMs);
  const ended = client.ended;
  client.destroy();
  return { frames, ended };
}

describe('frames the engine refuses', () => {
  for (const { name, bytes, code, error } of CASES) {
    test(`engine-specific: node: ${name} — close ${code}, ws.protocol_error ${error}, ws.close and ws.closed report ${code}`, async (t) => {
      const { router, received, closed } = build();
      await using server = await TestServer.start(router, OPTIONS);
      if (engineOf(server.app) !== 'node') return t.skip('the node engine only');
      const id = `node-${code}-${error}`;
      const { frames, ended } = await exchange(server, id, bytes);
      assert.equal(ended, true, 'TCP closed');
      assert.equal(frames.length, 1, 'one frame: the close');
      assert.deepEqual(closeOf(frames[0] as ServerFrame), { code, reason: '' });
      await server.expectLog({ msg: 'ws.protocol_error', level: 40, requestId: id, code, error });
      await server.expectLog({ msg: 'ws.close', requestId: id, code, reason: '', wasClean: true, initiatedBy: 'client' });
      await server.expectLog(() => closed.has(id));
      assert.deepEqual(closed.get(id), { code, reason: '', wasClean: true, initiatedBy: 'client' });
      // What came before the bad frame was delivered.
      assert.deepEqual(received.get(id), ['before']);
    });
  }

  for (const { name, bytes } of CASES.filter((c) => c.uws === 'dropped')) {
    test(`engine-specific: uws: ${name} — TCP dropped without a close frame, reported as 1006`, async (t) => {
      const { router, received, closed } = build();
      await using server = await TestServer.start(router, OPTIONS);
      if (engineOf(server.app) !== 'uws') return t.skip('the uws engine only');
      const id = `uws-${name.replaceAll(' ', '-')}`;
      const { frames, ended } = await exchange(server, id, bytes);
      assert.equal(ended, true, 'TCP closed');
      assert.deepEqual(frames, []);
      await server.expectLog({ msg: 'ws.close', requestId: id, code: 1006, initiatedBy: 'client' });
      await server.expectLog(() => closed.has(id));
      assert.equal(closed.get(id)?.code, 1006);
      assert.deepEqual(received.get(id), ['before']);
      assert.equal(
        server.logs.some((entry) => entry['msg'] === 'ws.protocol_error'),
        false,
        'uWS does not say why',
      );
    });
  }
});
