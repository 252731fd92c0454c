/**
 * One `messageHandler` call in this many is timed per connection (the first always is). A clock
 * read costs ~350 ns on a VM whose clock source is kvm-clock, as much as a third of an echo:
 * timing every call would cost metrics-on servers ~6% of their echo rate. Sampled durations
 * give the same quantiles; count calls with the message counters.
 */
export const MESSAGE_TIMING_SAMPLE = 64;

/** One `batchHandler` call in this many is timed per connection (the first always is). */
export const BATCH_TIMING_SAMPLE = 8;

/** Which adapter ran a handler, for {@link HandlerTimings}. */
export type TimedHandlerKind = 'message' | 'batch';

/**
 * Receives how long each `messageHandler` / `batchHandler` call took (a metrics sink). Set on
 * the hub with `ConnectionHubOptions.timings`; when unset, handlers are not timed at all.
 */
export interface HandlerTimings {
  /** One handler call on `route` took `ms` milliseconds (until its promise settled). */
  record(route: string, kind: TimedHandlerKind, ms: number): void;
}
