/**
 * A histogram's numbers kept as plain counts: one slot per upper bound plus `+Inf`, the sum and
 * the count. Observing is a short scan and three additions; nothing is allocated. A Prometheus
 * collector turns the slots into cumulative `_bucket` samples when scraped.
 */
export class BucketCounts {
  /** Upper bounds, ascending (seconds). */
  readonly bounds: readonly number[];
  /** Observations per slot (not cumulative); the last slot is `+Inf`. */
  readonly slots: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.slots = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.slots[i] = (this.slots[i] ?? 0) + 1;
    this.sum += value;
    this.count++;
  }
}

/** Checks histogram bucket bounds: finite, positive, strictly ascending. Throws a `TypeError` naming the option. */
export function checkBuckets(name: string, bounds: unknown): readonly number[] {
  if (!Array.isArray(bounds) || bounds.length === 0) throw new TypeError(`${name} must be a non-empty array of ascending positive numbers`);
  let previous = 0;
  for (const bound of bounds) {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw new TypeError(`${name} must be a non-empty array of ascending positive numbers, got [${bounds.join(', ')}]`);
    }
    previous = bound;
  }
  return Object.freeze([...(bounds as number[])]);
}
