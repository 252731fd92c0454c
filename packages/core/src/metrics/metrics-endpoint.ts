import type { Registry } from 'prom-client';
import { Response } from '../response/response.js';
import type { OpsRoutes } from '../server/ops-routes.js';
import { loadPromClient } from './load-prom-client.js';
import type { ResolvedMetricsOptions } from './metrics-options.js';
import { registerKindlingMetrics, type ScrapeSource } from './prometheus-metrics.js';

/**
 * `GET /metrics`: loads prom-client when the app starts listening (never before, never when
 * metrics are off), registers Kindling's collectors and serves the registry's text.
 */
export class MetricsEndpoint {
  readonly #options: ResolvedMetricsOptions;
  #registry: Registry | undefined;

  constructor(options: ResolvedMetricsOptions) {
    this.#options = options;
  }

  /** The registry in use once started (the one passed as `metrics.registry`, or Kindling's own). */
  get registry(): Registry | undefined {
    return this.#registry;
  }

  register(routes: OpsRoutes): void {
    routes.http(this.#options.path, 'metrics.path', async () => {
      const registry = this.#registry;
      if (registry === undefined) return Response.error(503, 'SHUTTING_DOWN', 'Metrics are not ready yet');
      return new Response(await registry.metrics(), 200, { 'content-type': registry.contentType });
    });
  }

  /** Loads prom-client and registers the collectors (once). Throws when prom-client is missing. */
  async start(source: ScrapeSource): Promise<void> {
    if (this.#registry !== undefined) return;
    const prom = await loadPromClient();
    const given = this.#options.registry;
    if (given !== undefined && !(given instanceof prom.Registry)) {
      throw new TypeError('metrics.registry must be a Registry of the prom-client the app loads (`import { Registry } from "prom-client"`)');
    }
    const registry = given ?? new prom.Registry();
    registerKindlingMetrics(prom, registry, this.#options.prefix, source);
    if (this.#options.defaultMetrics) prom.collectDefaultMetrics({ register: registry });
    this.#registry = registry;
  }
}
