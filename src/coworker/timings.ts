/**
 * @module coworker/timings — a bounded record of task durations and their percentiles.
 */

/**
 * Percentiles of recent task durations, in milliseconds.
 *
 * @example
 * const { p50, p99 }: TimingSummary = pool.stats().ms;
 */
export interface TimingSummary {
  /** Durations recorded in total. */
  count: number;
  /** Durations the percentiles are computed over (the most recent ones). */
  window: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Keeps the last `capacity` durations in a ring and summarises them on demand.
 *
 * @example
 * const t = new Timings();
 * t.add(12.5); t.add(3);
 * t.summary().p50 // 3
 */
export class Timings {
  private readonly ring: Float64Array;
  private count = 0;

  constructor(capacity = 4096) {
    this.ring = new Float64Array(capacity);
  }

  /** Records one duration in milliseconds. */
  add(ms: number): void {
    this.ring[this.count % this.ring.length] = ms;
    this.count++;
  }

  /** Nearest-rank percentiles over the recorded window (all zero when empty). */
  summary(): TimingSummary {
    const n = Math.min(this.count, this.ring.length);
    if (n === 0) return { count: 0, window: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.ring.slice(0, n).sort();
    const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    return { count: this.count, window: n, mean: sum / n, p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[n - 1]! };
  }
}
