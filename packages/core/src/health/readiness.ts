import type { TopicBus } from '@kindling/websocket';
import type { Lifecycle } from '../server/lifecycle.js';
import type { ResolvedProbeOptions } from './health-options.js';
import { probeWebSocket } from './websocket-probe.js';

/** One readiness check's result: `ok`, or why not. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail?: string;
}

/** What `/health/ready` answers with. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Every check by name (`listening`, `draining`, `bus`, `probe`). */
  readonly checks: Readonly<Record<string, CheckResult>>;
  /** Names of the failing checks, first failure first. */
  readonly failing: readonly string[];
}

/**
 * Readiness: listening, not draining, the bus up when the app was given one (connected and
 * every topic subscribed again after an outage) and — when configured — a WebSocket
 * self-probe whose result is reused for `intervalMs` (concurrent readiness requests share one
 * probe in flight).
 */
export class Readiness {
  readonly #lifecycle: Lifecycle;
  readonly #probe: ResolvedProbeOptions | undefined;
  readonly #bus: TopicBus | undefined;
  #probeUrl: string | undefined;
  #cached: { readonly at: number; readonly result: CheckResult } | undefined;
  #inFlight: Promise<CheckResult> | undefined;

  constructor(lifecycle: Lifecycle, probe: ResolvedProbeOptions | undefined, bus: TopicBus | undefined) {
    this.#lifecycle = lifecycle;
    this.#probe = probe;
    this.#bus = bus;
  }

  /** The app is listening: the probe may now connect to `baseUrl` (`ws://127.0.0.1:port`). */
  listening(baseUrl: string): void {
    if (this.#probe !== undefined) this.#probeUrl = baseUrl + this.#probe.path;
  }

  async check(): Promise<ReadinessReport> {
    const phase = this.#lifecycle.phase;
    const checks: Record<string, CheckResult> = {
      listening: phase === 'listening' || phase === 'draining' ? { ok: true } : { ok: false, detail: `app is ${phase}` },
      draining: this.#lifecycle.draining ? { ok: false, detail: 'shutdown in progress' } : { ok: true },
    };
    if (this.#bus !== undefined) checks['bus'] = busCheck(this.#bus);
    // A draining or closed app is not ready whatever the probe says: do not open connections to it.
    if (this.#probe !== undefined)
      checks['probe'] =
        checks['listening']?.ok && checks['draining']?.ok ? await this.#probeResult(this.#probe) : { ok: false, detail: 'not run: the app is not serving' };
    const failing = Object.keys(checks).filter((name) => checks[name]?.ok === false);
    return { ready: failing.length === 0, checks, failing };
  }

  #probeResult(probe: ResolvedProbeOptions): Promise<CheckResult> {
    const cached = this.#cached;
    if (cached !== undefined && performance.now() - cached.at < probe.intervalMs) return Promise.resolve(cached.result);
    this.#inFlight ??= this.#runProbe(probe).finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #runProbe(probe: ResolvedProbeOptions): Promise<CheckResult> {
    const url = this.#probeUrl;
    const failure = url === undefined ? 'the app is not listening' : await probeWebSocket(url, probe.timeoutMs);
    const result: CheckResult = failure === undefined ? { ok: true } : { ok: false, detail: failure };
    this.#cached = { at: performance.now(), result };
    return result;
  }
}

/** Up: publishes cross to the other threads/nodes (for Redis: connected and every topic subscribed again). */
function busCheck(bus: TopicBus): CheckResult {
  const { kind, up } = bus.stats();
  return up ? { ok: true } : { ok: false, detail: `the ${kind} bus is down: publishes do not reach the other threads/nodes until it is back` };
}
