import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { App, Path, Router, threadsBus, type WebSocketConnection } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';

failOnEscapedErrors();

/**
 * `/t/{topic}` subscribes on open and says `ready`; text `unsubscribe` leaves the topic, text
 * `all:<x>` is an `app.publish`, anything else is a `ws.publish` of the message as it came.
 */
function topicRouter(apps: { app?: App }): Router {
  return new Router().websocket('/t/{topic}', [Path()], async (path, ws: WebSocketConnection) => {
    ws.subscribe(path.topic);
    ws.sendText('ready');
    for await (const msg of ws) {
      if (msg.type === 'text' && msg.text === 'unsubscribe') {
        ws.unsubscribe(path.topic);
        ws.sendText('unsubscribed');
      } else if (msg.type === 'text' && msg.text.startsWith('all:')) apps.app?.publish(path.topic, msg.text.slice(4));
      else ws.publish(path.topic, msg);
    }
  });
}

/** Two apps in one process joined by a threads bus on a channel of their own (BroadcastChannel also links instances in one thread). */
async function twoNodes(): Promise<[TestServer, TestServer]> {
  const channel = `test:${randomUUID()}`;
  const holders = [{} as { app?: App }, {} as { app?: App }];
  const servers = await Promise.all(
    holders.map(async (holder) => {
      const app = new App(topicRouter(holder), { logger: false, bus: threadsBus({ channel }) });
      holder.app = app;
      return TestServer.start(app);
    }),
  );
  return [servers[0] as TestServer, servers[1] as TestServer];
}

async function subscriber(server: TestServer, topic: string) {
  const ws = await server.ws(`/t/${encodeURIComponent(topic)}`);
  await ws.expectText('ready');
  return ws;
}

describe('topic bus', { timeout: 30_000 }, () => {
  it('ws.publish reaches every subscriber on both nodes but the sender, text as text and binary as binary, in order', async () => {
    const [a, b] = await twoNodes();
    await using _a = a;
    await using _b = b;
    const sender = await subscriber(a, 'room');
    const localPeer = await subscriber(a, 'room');
    const remote1 = await subscriber(b, 'room');
    const remote2 = await subscriber(b, 'room');
    const elsewhere = await subscriber(b, 'other');

    for (let i = 0; i < 100; i++) sender.sendText(`m${i}`);
    sender.sendBinary(new Uint8Array([0, 1, 2, 255]));
    for (const peer of [localPeer, remote1, remote2]) {
      for (let i = 0; i < 100; i++) await peer.expectText(`m${i}`);
      await peer.expectBinary(new Uint8Array([0, 1, 2, 255]));
    }
    await sender.expectNoMessage(100);
    await elsewhere.expectNoMessage(0);
    assert.equal(a.app.metrics().bus.published, 101);
    assert.equal(b.app.metrics().bus.received, 101);
  });

  it('app.publish reaches every subscriber on both nodes', async () => {
    const [a, b] = await twoNodes();
    await using _a = a;
    await using _b = b;
    const publisher = await subscriber(a, 'news');
    const remote = await subscriber(b, 'news');
    publisher.sendText('all:hello');
    await publisher.expectText('hello');
    await remote.expectText('hello');
  });

  it('holds one subscription per topic, counted over subscribe, unsubscribe and close', async () => {
    const [a, b] = await twoNodes();
    await using _a = a;
    await using _b = b;
    assert.equal(a.app.metrics().bus.topics, 0);
    const first = await subscriber(a, 'x');
    const second = await subscriber(a, 'x');
    const third = await subscriber(a, 'y');
    assert.equal(a.app.metrics().bus.topics, 2);

    first.sendText('unsubscribe');
    await first.expectText('unsubscribed');
    assert.equal(a.app.metrics().bus.topics, 2, 'x still has a subscriber');
    await second.close();
    await waitFor(() => a.app.metrics().bus.topics === 1, 'x was released');

    // A node without interest in a topic delivers nothing for it and counts nothing received.
    const remote = await subscriber(b, 'x');
    remote.sendText('to x');
    await third.expectNoMessage(100);
    await first.expectNoMessage(0);
    assert.equal(a.app.metrics().bus.received, 0);
    await third.close();
    await waitFor(() => a.app.metrics().bus.topics === 0, 'y was released');
  });

  it('the default bus is local: nothing leaves the app, and its state is in metrics()', async () => {
    await using server = await TestServer.start(topicRouter({}));
    const ws = await subscriber(server, 'solo');
    const peer = await subscriber(server, 'solo');
    ws.sendText('hi');
    await peer.expectText('hi');
    assert.deepEqual(server.app.metrics().bus, { kind: 'local', up: true, published: 0, failed: 0, possiblyLost: 0, received: 0, topics: 0 });
    await server.app.bus.ready;
  });
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), `timed out waiting until ${what}`);
}
