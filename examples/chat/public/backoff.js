// Reconnect delays: exponential backoff with jitter.

/**
 * How long to wait before reconnect attempt `attempt` (0 for the first): the exponential
 * step `baseMs * 2^attempt`, capped at `maxMs`, then jittered to a random point in its upper
 * half so that every page a server restart disconnected does not come back at the same
 * instant, while none retries sooner than half its step.
 *
 * @param {number} attempt
 * @param {{ baseMs?: number, maxMs?: number, random?: () => number }} [options]
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 15_000, random = Math.random } = {}) {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
