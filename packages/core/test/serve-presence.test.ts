import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FrameClient, ServeProcess } from './serve-process.js';

const script = fileURLToPath(new URL('./serve-fixtures/presence-app.js', import.meta.url));

// SO_REUSEPORT: uWS has it on every Node it loads on; node:http only from Node 22.12.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nodeEngine = process.env['KINDLING_ENGINE'] === 'node';
const reusePort = !nodeEngine || major > 22 || (major === 22 && minor >= 12);

interface OnThread {
  readonly client: FrameClient;
  /** The presence node of the thread the client landed on. */
  readonly node: string;
}

/** One client on thread 0 and one on thread 1 of the server (the kernel picks; open until both are hit). */
async function clientPerThread(server: ServeProcess, topic: string): Promise<[OnThread, OnThread]> {
  const found = new Map<number, OnThread>();
  for (let i = 0; i < 60 && found.size < 2; i++) {
    const client = new FrameClient(`ws://127.0.0.1:${server.port}/p/${topic}`);
    await client.opened;
    const [, thread, threadId] = (await client.next()).split(':');
    if (found.has(Number(thread))) client.close();
    else found.set(Number(thread), { client, node: `thread-${threadId}` });
  }
  const zero = found.get(0);
  const one = found.get(1);
  assert.ok(zero !== undefined && one !== undefined, 'clients landed on both threads');
  return [zero, one];
}

/** Waits for the presence event that thread `thread` heard and `match` picks. */
function heard(server: ServeProcess, thread: number, match: Partial<Record<string, unknown>>): Promise<Record<string, unknown>> {
  return server
    .waitLine((line) => {
      if (line.thread !== thread || typeof line.presence !== 'object' || line.presence === null) return false;
      const event = line.presence as Record<string, unknown>;
      return Object.entries(match).every(([key, value]) => JSON.stringify(event[key]) === JSON.stringify(value));
    })
    .then((line) => line.presence as Record<string, unknown>);
}

describe('serve(): presence across threads', { skip: !reusePort && 'the node engine needs Node 22.12+ for reusePort', timeout: 120_000 }, () => {
  it('a join on one thread is in members() on the other as soon as it resolved; leave; a thread whose app shuts down takes its members', async () => {
    await using server = await ServeProcess.start(script);
    const [zero, one] = await clientPerThread(server, 'room');
    const a = zero.client;
    const b = one.client;

    // Joined before listening: the hello / snapshot exchange brought each thread the other's.
    await heard(server, 0, { type: 'join', topic: 'threads', member: 't1', node: one.node });
    await heard(server, 1, { type: 'join', topic: 'threads', member: 't0', node: zero.node });
    assert.equal(await b.ask('members threads'), `members:t0@${zero.node},t1@${one.node}`);

    // No waiting between the join on thread 0 and the members() on thread 1.
    assert.equal(await a.ask('join:ada'), 'joined');
    assert.equal(await b.ask('members'), `members:ada@${zero.node}`);
    assert.deepEqual(await heard(server, 1, { type: 'join', member: 'ada' }), {
      type: 'join',
      topic: 'room',
      member: 'ada',
      meta: { thread: 0 },
      node: zero.node,
    });
    assert.equal(await b.ask('join:bob'), 'joined');
    assert.equal(await a.ask('members'), `members:ada@${zero.node},bob@${one.node}`);
    assert.deepEqual(await heard(server, 0, { type: 'join', member: 'bob' }), {
      type: 'join',
      topic: 'room',
      member: 'bob',
      meta: { thread: 1 },
      node: one.node,
    });

    assert.equal(await a.ask('leave:ada'), 'left');
    assert.equal(await b.ask('members'), `members:bob@${one.node}`);
    assert.deepEqual(await heard(server, 1, { type: 'leave', member: 'ada' }), {
      type: 'leave',
      topic: 'room',
      member: 'ada',
      meta: { thread: 0 },
      node: zero.node,
      reason: 'left',
    });
    assert.equal(await a.ask('leave:nobody'), 'left', 'leaving when not there is ignored');

    // Thread 1's app shuts down: its client gets 1001, and thread 0 drops its members with a leave each.
    assert.equal(await a.ask('join:ada'), 'joined');
    b.send('shutdown');
    assert.equal(await b.closed, 1001);
    assert.deepEqual(await heard(server, 0, { type: 'leave', member: 'bob' }), {
      type: 'leave',
      topic: 'room',
      member: 'bob',
      meta: { thread: 1 },
      node: one.node,
      reason: 'left',
    });
    await heard(server, 0, { type: 'leave', topic: 'threads', member: 't1', node: one.node, reason: 'left' });
    assert.equal(await a.ask('members'), `members:ada@${zero.node}`);
    assert.equal(await a.ask('members threads'), `members:t0@${zero.node}`);
    assert.equal(await a.ask('join:cy'), 'joined', 'a join does not wait for the thread that left');

    assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.stderr);
    assert.equal(await a.closed, 1001);
    assert.equal(
      server.lines.filter((line) => (line.presence as { member?: string } | undefined)?.member === 'nobody').length,
      0,
      'no event for a leave of a member that was not there',
    );
  });

  it('a join waits until the other thread applied it, up to presenceTimeoutMs for a thread too busy to answer', async () => {
    await using server = await ServeProcess.start(script, { PRESENCE_TIMEOUT_MS: '1500' });
    const [zero, one] = await clientPerThread(server, 'room');
    const a = zero.client;
    const b = one.client;

    // Thread 1 is busy when the join is sent: the join resolves only after thread 1 applied it,
    // so the members() that thread 1 answers next already lists ada.
    b.send('block:300');
    assert.equal(await a.ask('join:ada'), 'joined');
    assert.equal(await b.next(), 'unblocked');
    assert.equal(await b.ask('members'), `members:ada@${zero.node}`);
    assert.equal(server.lines.filter((line) => line.event === 'presence.unacknowledged').length, 0);

    // Busy past the timeout: the leave resolves anyway, with a warning naming the thread.
    b.send('block:2500');
    assert.equal(await a.ask('leave:ada'), 'left');
    const warning = await server.waitLine((line) => line.event === 'presence.unacknowledged');
    assert.deepEqual(warning.threads, [one.node]);
    assert.equal(warning.timeoutMs, 1500);
    assert.equal(await b.next(), 'unblocked');
    // The late thread applies the leave once it runs again.
    await heard(server, 1, { type: 'leave', member: 'ada', reason: 'left' });
    assert.equal(await b.ask('members'), 'members:');
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.stderr);
  });
});

// A uWS thread cannot crash without aborting the whole process, so only the node engine can show it.
describe('serve(): a thread that crashes', { skip: !(nodeEngine && reusePort) && 'needs the node engine on Node 22.12+', timeout: 120_000 }, () => {
  it('its members leave every other thread with reason node_down, and the server goes on', async () => {
    await using server = await ServeProcess.start(script);
    const [zero, one] = await clientPerThread(server, 'room');
    assert.equal(await one.client.ask('join:bob'), 'joined');
    assert.equal(await zero.client.ask('members'), `members:bob@${one.node}`);

    one.client.send('crash');
    assert.deepEqual(await heard(server, 0, { type: 'leave', member: 'bob' }), {
      type: 'leave',
      topic: 'room',
      member: 'bob',
      meta: { thread: 1 },
      node: one.node,
      reason: 'node_down',
    });
    await heard(server, 0, { type: 'leave', topic: 'threads', member: 't1', reason: 'node_down' });
    assert.equal(await zero.client.ask('members'), 'members:');
    assert.equal(await zero.client.ask('join:ada'), 'joined', 'a join does not wait for the crashed thread');
    assert.equal(await zero.client.ask('members'), `members:ada@${zero.node}`);

    assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.stderr);
  });
});
