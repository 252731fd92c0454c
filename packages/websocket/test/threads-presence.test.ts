import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { announceThreadExit, type Presence, type PresenceEvent, type PresenceMember, threadsBus, type TopicBus } from '@kindling/websocket';
import { LogCapture } from './fixture.js';

/** A worker thread with a threads bus of its own (threads-presence-worker.ts). */
class PresenceThread {
  readonly events: PresenceEvent[] = [];
  readonly node: string;
  readonly exited: Promise<number>;
  readonly #worker: Worker;
  readonly #replies = new Map<number, (reply: { result?: unknown; error?: string }) => void>();
  #next = 0;

  constructor(channel: string) {
    this.#worker = new Worker(new URL('./threads-presence-worker.js', import.meta.url), { workerData: { channel } });
    this.node = `thread-${this.#worker.threadId}`;
    const threadId = this.#worker.threadId;
    // What serve() does for its threads: tell the others when one ended.
    this.exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        announceThreadExit(channel, threadId);
        resolve(code);
      }),
    );
    this.#worker.on('error', () => undefined);
    this.#worker.on('message', (message: { id?: number; event?: PresenceEvent; result?: unknown; error?: string }) => {
      if (message.event !== undefined) this.events.push(message.event);
      else if (message.id !== undefined) this.#replies.get(message.id)?.(message);
    });
  }

  async call(call: string, ...args: string[]): Promise<unknown> {
    const id = this.#next++;
    const reply = await new Promise<{ result?: unknown; error?: string }>((resolve) => {
      this.#replies.set(id, resolve);
      this.#worker.postMessage({ id, call, args });
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.result;
  }

  /** The event this thread heard that `match` picks, now or when it comes. */
  async heard(match: (event: PresenceEvent) => boolean): Promise<PresenceEvent> {
    for (let i = 0; i < 500; i++) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no matching event within 10 s: ${JSON.stringify(this.events)}`);
  }
}

async function mainBus(channel: string, logs = new LogCapture()): Promise<{ bus: TopicBus; presence: Presence; events: PresenceEvent[] }> {
  const bus = threadsBus({ channel });
  await bus.start({ deliver: () => undefined, log: logs.logger });
  const presence = bus.presence;
  assert.ok(presence !== undefined, 'the threads bus has presence');
  const events: PresenceEvent[] = [];
  presence.on((event) => events.push(event));
  return { bus, presence, events };
}

const names = (members: PresenceMember[]) => members.map((m) => `${m.member}@${m.node}`).sort();

function nextEvent(presence: Presence, match: (event: PresenceEvent) => boolean): Promise<PresenceEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching event within 10 s')), 10_000);
    const off = presence.on((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

describe('threads bus presence, through real worker threads', { timeout: 60_000 }, () => {
  it('a thread that starts late gets a snapshot; members joined before its start go with its hello', async () => {
    const channel = `kindling:test:${randomUUID()}`;
    const main = await mainBus(channel);
    await main.presence.join('lobby', 'ada', { since: 1 });
    const worker = new PresenceThread(channel);
    const early = nextEvent(main.presence, (e) => e.member === 'early');
    await worker.call('join', 'lobby', 'early');
    await worker.call('start');
    assert.deepEqual(await early, { type: 'join', topic: 'lobby', member: 'early', meta: { from: 'worker' }, node: worker.node });
    // The snapshot's members reach the new thread as join events, then members() lists them.
    assert.deepEqual(await worker.heard((e) => e.member === 'ada'), { type: 'join', topic: 'lobby', member: 'ada', meta: { since: 1 }, node: 'thread-0' });
    assert.deepEqual(names((await worker.call('members', 'lobby')) as PresenceMember[]), ['ada@thread-0', `early@${worker.node}`]);
    assert.deepEqual(names(await main.presence.members('lobby')), ['ada@thread-0', `early@${worker.node}`]);

    // A thread whose bus closes (its app shut down) takes its members: leave with reason 'left'.
    const left = nextEvent(main.presence, (e) => e.type === 'leave');
    await worker.call('close');
    assert.deepEqual(await left, { type: 'leave', topic: 'lobby', member: 'early', meta: { from: 'worker' }, node: worker.node, reason: 'left' });
    assert.equal(await worker.exited, 0);
    assert.deepEqual(names(await main.presence.members('lobby')), ['ada@thread-0']);
    assert.equal(main.events.filter((e) => e.reason === 'node_down').length, 0, 'the exit after a close announces nothing more');
    await main.bus.close();
  });

  it('a thread that crashes: its members leave every other thread with reason node_down; a join does not wait for it', async () => {
    const channel = `kindling:test:${randomUUID()}`;
    const main = await mainBus(channel);
    const worker = new PresenceThread(channel);
    const joined = nextEvent(main.presence, (e) => e.member === 'bob');
    await worker.call('start');
    await worker.call('join', 'lobby', 'bob');
    // Right after its start the worker may not have heard from this thread yet, so its join need
    // not have waited for it (docs/scaling.md): wait for the event here.
    await joined;
    assert.deepEqual(names(await main.presence.members('lobby')), [`bob@${worker.node}`]);

    const down = nextEvent(main.presence, (e) => e.type === 'leave');
    await worker.call('crash');
    assert.equal(await worker.exited, 1);
    assert.deepEqual(await down, { type: 'leave', topic: 'lobby', member: 'bob', meta: { from: 'worker' }, node: worker.node, reason: 'node_down' });
    assert.deepEqual(await main.presence.members('lobby'), []);
    await main.presence.join('lobby', 'ada');
    assert.deepEqual(names(await main.presence.members('lobby')), ['ada@thread-0']);
    await main.bus.close();
  });

  it('a join from another thread is applied and acknowledged before it resolves there', async () => {
    const channel = `kindling:test:${randomUUID()}`;
    const main = await mainBus(channel);
    const worker = new PresenceThread(channel);
    // This thread knows the worker once its hello arrived (it carries the worker's member).
    const hello = nextEvent(main.presence, (e) => e.member === 'w');
    await worker.call('join', 'room', 'w');
    await worker.call('start');
    await hello;
    await main.presence.join('room', 'ada');
    // Resolved only after the worker applied it: its members() lists ada at once.
    assert.deepEqual(names((await worker.call('members', 'room')) as PresenceMember[]), ['ada@thread-0', `w@${worker.node}`]);
    await main.presence.leave('room', 'ada');
    assert.deepEqual(names((await worker.call('members', 'room')) as PresenceMember[]), [`w@${worker.node}`]);
    assert.equal((await worker.heard((e) => e.type === 'leave')).reason, 'left');
    await worker.call('close');
    await worker.exited;
    await main.bus.close();
  });

  it('bad input: a clear error, nothing changed', async () => {
    const channel = `kindling:test:${randomUUID()}`;
    const logs = new LogCapture();
    const main = await mainBus(channel, logs);
    await assert.rejects(main.presence.join('lobby', 'a\nb'), { name: 'TypeError', message: 'presence.join(): member must be a string without a newline' });
    await assert.rejects(main.presence.join(42 as unknown as string, 'ada'), { name: 'TypeError', message: 'presence.join(): topic must be a string' });
    await assert.rejects(main.presence.leave('lobby', 7 as unknown as string), {
      name: 'TypeError',
      message: 'presence.leave(): member must be a string without a newline',
    });
    await assert.rejects(main.presence.join('lobby', 'ada', { n: 1n }), { name: 'TypeError', message: /BigInt/ });
    assert.deepEqual(await main.presence.members('lobby'), []);
    assert.deepEqual(main.events, []);
    assert.throws(() => threadsBus({ presenceTimeoutMs: 0 }), {
      name: 'TypeError',
      message: 'threadsBus(): presenceTimeoutMs must be a whole number of milliseconds, got 0',
    });

    // A listener that throws is logged; the others still hear the event.
    main.presence.on(() => {
      throw new Error('listener boom');
    });
    await main.presence.join('lobby', 'ada');
    assert.equal(main.events.length, 1);
    assert.equal((await logs.waitFor('presence.listener_error')).level, 50);

    await main.bus.close();
    await assert.rejects(main.presence.join('lobby', 'bob'), { message: 'presence.join(): the threads bus is closed' });
  });
});
