import type { BusStats } from '@kindling/websocket';
import { scrapedCounter, scrapedGauge, type SeriesTarget } from './scraped-series.js';

type CountField = 'published' | 'failed' | 'possiblyLost' | 'received';

/**
 * Registers the topic bus's series: its counts and state, read from `stats()` at scrape time
 * (the bus keeps them as plain numbers; nothing here runs per publish). The only label is the
 * bus kind (`local`, `threads`, `redis`), never a topic. See docs/metrics.md.
 */
export function registerBusMetrics(target: SeriesTarget, stats: () => BusStats): void {
  const labelNames = ['bus'];
  const counter = (name: string, help: string, field: CountField) =>
    scrapedCounter(target, name, help, labelNames, () => {
      const s = stats();
      return [[{ bus: s.kind }, s[field]]];
    });
  const gauge = (name: string, help: string, value: (s: BusStats) => number) =>
    scrapedGauge(target, name, help, labelNames, () => {
      const s = stats();
      return [[{ bus: s.kind }, value(s)]];
    });

  counter('bus_publishes_total', 'Publishes the topic bus handed to the other threads/nodes, by bus kind.', 'published');
  counter(
    'bus_publish_failures_total',
    'Publishes the topic bus could not hand over (broker down, not yet re-subscribed, write error), by bus kind. Each is logged as bus.publish_failed.',
    'failed',
  );
  counter(
    'bus_possibly_lost_total',
    'Publishes the broker accepted but that reached fewer nodes than were alive (some node may have missed them), by bus kind.',
    'possiblyLost',
  );
  counter('bus_received_total', 'Publishes received from other threads/nodes and delivered locally, by bus kind.', 'received');
  gauge('bus_topics', 'Topics this node holds a bus subscription for (topics with local subscribers), by bus kind.', (s) => s.topics);
  gauge('bus_up', 'Whether the topic bus carries publishes right now (1) or not (0: down, or re-subscribing), by bus kind.', (s) => (s.up ? 1 : 0));
}
