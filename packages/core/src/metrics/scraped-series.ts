import type { Registry } from 'prom-client';
import type { PromClient } from './load-prom-client.js';

/** Label values of one sample. */
export type Labels = Record<string, string | number>;

/** One sample as a collector reads it at scrape time: its labels and its value. */
export type Row<T> = readonly [Labels, T];

/** Where scraped series are made: prom-client, the registry they go into, the name prefix. */
export interface SeriesTarget {
  readonly prom: PromClient;
  readonly registry: Registry;
  readonly prefix: string;
}

/**
 * A counter whose samples are read from `rows()` at each scrape (the counts are kept as plain
 * numbers elsewhere; nothing here runs when they change).
 */
export function scrapedCounter(target: SeriesTarget, name: string, help: string, labelNames: readonly string[], rows: () => Iterable<Row<number>>): void {
  new target.prom.Counter({
    name: target.prefix + name,
    help,
    labelNames,
    registers: [target.registry],
    collect() {
      this.reset();
      for (const [labels, value] of rows()) this.inc(labels, value);
    },
  });
}

/** A gauge whose samples are read from `rows()` at each scrape. */
export function scrapedGauge(target: SeriesTarget, name: string, help: string, labelNames: readonly string[], rows: () => Iterable<Row<number>>): void {
  new target.prom.Gauge({
    name: target.prefix + name,
    help,
    labelNames,
    registers: [target.registry],
    collect() {
      this.reset();
      for (const [labels, value] of rows()) this.set(labels, value);
    },
  });
}
