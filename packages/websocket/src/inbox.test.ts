import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inbox, TIMEOUT } from './inbox.js';

describe('Inbox', () => {
  it('delivers in order across the ring buffer growing and wrapping', async () => {
    const inbox = new Inbox<number>(100);
    const out: (number | null)[] = [];
    let next = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 7; i++) assert.equal(inbox.push(next++), true);
      for (let i = 0; i < 5; i++) out.push(await inbox.next());
    }
    while (inbox.size > 0) out.push(await inbox.next());
    assert.deepEqual(
      out,
      Array.from({ length: 70 }, (_, i) => i),
    );
  });

  it('refuses items past capacity', () => {
    const inbox = new Inbox<string>(2);
    assert.equal(inbox.push('a'), true);
    assert.equal(inbox.push('b'), true);
    assert.equal(inbox.push('c'), false);
    assert.equal(inbox.size, 2);
  });

  it('hands items to waiting readers in the order they asked', async () => {
    const inbox = new Inbox<string>(1);
    const first = inbox.next();
    const second = inbox.nextResult();
    assert.equal(inbox.push('a'), true);
    assert.equal(inbox.push('b'), true, 'a waiting reader takes it, so capacity is not used');
    assert.equal(await first, 'a');
    assert.deepEqual(await second, { done: false, value: 'b' });
    assert.equal(inbox.size, 0);
  });

  it('after close: queued items first, then null / done; pushes are refused', async () => {
    const inbox = new Inbox<string>(4);
    const waiting = inbox.nextResult();
    inbox.close();
    assert.deepEqual(await waiting, { done: true, value: undefined });
    const other = new Inbox<string>(4);
    other.push('x');
    other.close();
    assert.equal(other.push('y'), false);
    assert.equal(await other.next(), 'x');
    assert.equal(await other.next(), null);
    assert.deepEqual(await other.nextResult(), { done: true, value: undefined });
    assert.equal(await other.nextWithin(10), null);
  });

  it('nextWithin: TIMEOUT when nothing comes; the timed-out reader does not swallow a later item', async () => {
    const inbox = new Inbox<string>(4);
    assert.equal(await inbox.nextWithin(5), TIMEOUT);
    inbox.push('later');
    assert.equal(inbox.size, 1);
    assert.equal(await inbox.nextWithin(1000), 'later');
    const pending = inbox.nextWithin(1000);
    inbox.close();
    assert.equal(await pending, null);
  });
});

describe('Inbox: onQueued and iterator results', () => {
  it('onQueued sees the items that wait for a reader, not those handed over or refused', async () => {
    const queued: string[] = [];
    const inbox = new Inbox<string>(1, (item) => queued.push(item));
    const reader = inbox.next();
    assert.equal(inbox.push('handed'), true);
    assert.equal(inbox.push('waits'), true);
    assert.equal(inbox.push('refused'), false);
    assert.equal(await reader, 'handed');
    assert.deepEqual(queued, ['waits']);
    inbox.close();
    assert.equal(inbox.push('closed'), false);
    assert.deepEqual(queued, ['waits']);
  });

  it('iterator results list value before done, whether the item waited or was handed over', async () => {
    const inbox = new Inbox<string>(4);
    const waiting = inbox.nextResult();
    inbox.push('handed');
    inbox.push('queued');
    for (const result of [await waiting, await inbox.nextResult()]) {
      assert.deepEqual(Object.keys(result), ['value', 'done']);
      assert.equal(Object.getPrototypeOf(result), Object.prototype);
    }
  });
});

describe('Inbox with several waiting readers', () => {
  it('serves them in the order they asked, across next, nextResult and nextWithin', async () => {
    const inbox = new Inbox<number>(4);
    const a = inbox.next();
    const b = inbox.nextWithin(1000);
    const c = inbox.nextResult();
    for (const n of [1, 2, 3]) assert.equal(inbox.push(n), true);
    assert.equal(inbox.size, 0, 'all three went to readers');
    assert.deepEqual([await a, await b, await c], [1, 2, { done: false, value: 3 }]);
  });

  it('a reader behind others that times out leaves the line; the rest keep their turn', async () => {
    const inbox = new Inbox<string>(4);
    const first = inbox.next();
    const timed = inbox.nextWithin(5);
    const third = inbox.next();
    assert.equal(await timed, TIMEOUT);
    inbox.push('a');
    inbox.push('b');
    assert.equal(await first, 'a');
    assert.equal(await third, 'b');
  });

  it('the first reader timing out hands its turn to the next', async () => {
    const inbox = new Inbox<string>(4);
    const timed = inbox.nextWithin(5);
    const second = inbox.nextResult();
    assert.equal(await timed, TIMEOUT);
    inbox.push('x');
    assert.deepEqual(await second, { done: false, value: 'x' });
  });

  it('close() ends every waiting reader, each in its own form', async () => {
    const inbox = new Inbox<string>(4);
    const waiting = [inbox.next(), inbox.nextResult(), inbox.nextWithin(1000), inbox.next()];
    inbox.close();
    assert.deepEqual(await Promise.all(waiting), [null, { done: true, value: undefined }, null, null]);
  });

  it('each wait is a fresh promise', () => {
    const inbox = new Inbox<string>(4);
    const a = inbox.next();
    const b = inbox.next();
    assert.notEqual(a, b);
    inbox.close();
  });
});
