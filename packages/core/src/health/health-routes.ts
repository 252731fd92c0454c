import { Response } from '../response/response.js';
import type { WebSocketRouteOptions } from '../router/websocket-route-options.js';
import type { Lifecycle } from '../server/lifecycle.js';
import type { OpsRoutes } from '../server/ops-routes.js';
import type { ResolvedHealthOptions } from './health-options.js';
import { Readiness } from './readiness.js';
import type { TopicBus, WebSocketConnection } from '@kindling/websocket';

/**
 * The health endpoints: liveness (200 while the process answers), readiness (200, or 503 with
 * a JSON body naming the failing checks) and, with `probe`, the echo route the readiness
 * self-probe connects to. See docs/health.md.
 */
export class HealthRoutes {
  readonly readiness: Readiness;
  readonly #options: ResolvedHealthOptions;

  /** `bus`: the bus the app was given; readiness then has a `bus` check. */
  constructor(options: ResolvedHealthOptions, lifecycle: Lifecycle, bus: TopicBus | undefined) {
    this.#options = options;
    this.readiness = new Readiness(lifecycle, options.probe, bus);
  }

  /** Adds the endpoints to the app's routes. */
  register(routes: OpsRoutes): void {
    const { livePath, readyPath, probe } = this.#options;
    routes.http(livePath, 'health.livePath', () => Response.json({ status: 'ok' }));
    routes.http(readyPath, 'health.readyPath', async () => {
      const report = await this.readiness.check();
      return Response.json({ status: report.ready ? 'ready' : 'unavailable', failing: report.failing, checks: report.checks }, report.ready ? 200 : 503);
    });
    if (probe === undefined) return;
    const options: WebSocketRouteOptions = {
      rateLimit: probe.rateLimit,
      upgradesPerMinute: probe.upgradesPerMinute,
      maxPayloadLength: 1024,
      heartbeat: false,
    };
    routes.websocket(probe.path, 'health.probe.path', echo, options);
  }
}

async function echo(ws: WebSocketConnection): Promise<void> {
  for await (const msg of ws) ws.send(msg);
}
