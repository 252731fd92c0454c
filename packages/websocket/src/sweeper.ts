/**
 * A periodic check run by {@link Sweeper}: an idle timeout, a heartbeat, anything that must
 * look at many connections every so often without a timer of its own.
 */
export interface SweepTask {
  /** How often the task wants to run; the sweeper ticks at the smallest wish (10 ms-1 s). */
  readonly resolutionMs: number;
  /**
   * Runs one check at time `now`: `performance.now()` ms, a monotonic clock, so a step of the
   * wall clock (NTP, a manual change) neither stalls nor fires deadlines. Return false to be
   * removed (e.g. its connection closed).
   */
  sweep(now: number): boolean;
}

const MIN_TICK_MS = 10;
const MAX_TICK_MS = 1000;

/**
 * One unref'd interval timer for any number of {@link SweepTask}s, so timeouts hold at
 * 100k connections. Starts with the first task, stops on the first tick that finds no task
 * left, and speeds up when a task needs a finer resolution. Stopping at a tick rather than at
 * the last `delete()` keeps connections that come and go one at a time from creating and
 * clearing a timer each.
 */
export class Sweeper {
  readonly #tasks = new Set<SweepTask>();
  #timer: NodeJS.Timeout | undefined;
  #tickMs = MAX_TICK_MS;
  readonly #onError: (err: unknown) => void;

  /** `onError` receives anything a task throws; the other tasks still run. */
  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Tasks being swept. */
  get size(): number {
    return this.#tasks.size;
  }

  /** The current tick interval in ms, `undefined` while stopped. */
  get tickMs(): number | undefined {
    return this.#timer === undefined ? undefined : this.#tickMs;
  }

  /** Adds a task; it first runs on the next tick. */
  add(task: SweepTask): void {
    this.#tasks.add(task);
    const wanted = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(task.resolutionMs)));
    // The tick only ever speeds up while running; it resets when the sweeper stops.
    if (this.#timer === undefined || wanted < this.#tickMs) this.#start(wanted);
  }

  /** Whether `task` is being swept. */
  has(task: SweepTask): boolean {
    return this.#tasks.has(task);
  }

  /** Removes a task. The timer stops on its next tick if no task is left by then. */
  delete(task: SweepTask): void {
    this.#tasks.delete(task);
  }

  /** Stops the timer and forgets every task. */
  stop(): void {
    this.#tasks.clear();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#tickMs = MAX_TICK_MS;
  }

  #start(tickMs: number): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#tickMs = tickMs;
    this.#timer = setInterval(() => this.#tick(), tickMs);
    this.#timer.unref();
  }

  #tick(): void {
    const now = performance.now();
    for (const task of this.#tasks) {
      let keep = false;
      try {
        keep = task.sweep(now);
      } catch (err) {
        this.#onError(err);
      }
      if (!keep) this.#tasks.delete(task);
    }
    if (this.#tasks.size === 0) this.stop();
  }
}
