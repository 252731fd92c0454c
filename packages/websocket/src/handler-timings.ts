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
