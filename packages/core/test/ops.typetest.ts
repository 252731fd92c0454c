// Compile-time tests: this file is type-checked with the test build and never run. The
// operations options (metrics, health, onClose) accept what docs/metrics.md, docs/health.md and
// docs/shutdown.md show and refuse the rest.
import { App, Router, type AppMetrics, type AppOptions } from '@kindling/core';
import { Registry } from 'prom-client';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

const registry = new Registry();
const full: AppOptions = {
  metrics: { path: '/internal/metrics', prefix: 'chat_', registry, buckets: { http: [0.01, 0.1], connection: [60] }, defaultMetrics: false },
  health: {
    livePath: '/livez',
    readyPath: '/readyz',
    probe: { path: '/probe', intervalMs: 1000, timeoutMs: 500, rateLimit: { messages: 5, perMs: 1000 }, upgradesPerMinute: 30 },
  },
};
const short: AppOptions = { metrics: true, health: true };
void full;
void short;

// @ts-expect-error metrics.path is a string
const badPath: AppOptions = { metrics: { path: 9090 } };
// @ts-expect-error a registry is a prom-client Registry, not any object
const badRegistry: AppOptions = { metrics: { registry: {} } };
// @ts-expect-error health.probe.intervalMs is a number of milliseconds
const badInterval: AppOptions = { health: { probe: { intervalMs: '5s' } } };
void badPath;
void badRegistry;
void badInterval;

const app = new App(new Router());
// onClose chains and takes sync or async cleanup.
app.onClose(() => undefined).onClose(async () => {});
// @ts-expect-error onClose takes a function
app.onClose('close the pool');

declare const snapshot: AppMetrics;
expectEqual<typeof snapshot.messagesIn | typeof snapshot.bytesOut, number>(true);
