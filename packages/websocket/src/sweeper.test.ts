import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sweeper, type SweepTask } from './sweeper.js';

function task(resolutionMs: number, runs: number, log: string[], name: string): SweepTask {
  let left = runs;
  return {
    resolutionMs,
    sweep: () => {
      log.push(name);
      return --left > 0;
    },
  };
}

describe('Sweeper', () => {
  it('runs tasks on one timer, removes those that return false, stops when empty', async () => {
    const errors: unknown[] = [];
    const sweeper = new Sweeper((err) => errors.push(err));
    assert.equal(sweeper.tickMs, undefined);
    const log: string[] = [];
    sweeper.add(task(1000, 1, log, 'slow'));
    assert.equal(sweeper.tickMs, 1000);
    sweeper.add(task(20, 2, log, 'fast'));
    assert.equal(sweeper.tickMs, 20, 'speeds up for the finer task');
    sweeper.add(task(5, 1, log, 'finest'));
    assert.equal(sweeper.tickMs, 10, 'never below 10 ms');
    while (sweeper.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(sweeper.tickMs, undefined, 'stopped');
    assert.deepEqual(log.sort(), ['fast', 'fast', 'finest', 'slow']);
    assert.deepEqual(errors, []);
  });

  it('reports a throwing task, drops it, and keeps running the others', async () => {
    const errors: unknown[] = [];
    const sweeper = new Sweeper((err) => errors.push(err));
    const log: string[] = [];
    sweeper.add({
      resolutionMs: 10,
      sweep: () => {
        throw new Error('bad task');
      },
    });
    sweeper.add(task(10, 2, log, 'good'));
    while (sweeper.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(log, ['good', 'good']);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /bad task/);
  });

  it('deleting the last task stops the timer at its next tick; a task added before then keeps it', async () => {
    const sweeper = new Sweeper(() => undefined);
    const first = task(20, 1_000, [], 'first');
    sweeper.add(first);
    sweeper.delete(first);
    assert.equal(sweeper.size, 0);
    assert.equal(sweeper.tickMs, 20, 'still running until its next tick');
    const log: string[] = [];
    sweeper.add(task(20, 1, log, 'second'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(log, ['second'], 'the same timer ran the task added meanwhile');
    assert.equal(sweeper.tickMs, undefined, 'stopped at the tick that found it empty');
    sweeper.add(first);
    sweeper.delete(first);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(sweeper.tickMs, undefined);
  });

  it('delete() and stop() remove tasks', () => {
    const sweeper = new Sweeper(() => undefined);
    const t = task(100, 5, [], 't');
    sweeper.add(t);
    sweeper.add(task(100, 5, [], 'u'));
    sweeper.delete(t);
    assert.equal(sweeper.size, 1);
    sweeper.stop();
    assert.equal(sweeper.size, 0);
    assert.equal(sweeper.tickMs, undefined);
  });
});
