/** Latency samples in milliseconds: every sample is kept, so percentiles are exact (nearest rank). */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  /** counts per bucket: `le` is the bucket's upper bound in ms (the last one is Infinity, written as null) */
  histogram: Array<{ le: number | null; count: number }>;
}

/** Upper bounds of the histogram buckets, in ms (roughly 1-2-5 per decade). */
export const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000];

/** The nearest-rank percentile of an ascending array: the smallest value with at least p% of samples at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length - 1e-9); // 99.9% of 1,000 is 999, not 999.0000000000001
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Counts of `sorted` samples per bucket of `bounds` (upper bounds, inclusive), plus an overflow bucket. */
export function histogram(sorted: ArrayLike<number>, bounds: readonly number[] = BUCKETS_MS): LatencySummary["histogram"] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  let bucket = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (bucket < bounds.length && sorted[i]! > bounds[bucket]!) bucket++;
    counts[bucket]!++;
  }
  return counts.map((count, index) => ({ le: index < bounds.length ? bounds[index]! : null, count }));
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : Number.NaN);
  return {
    count: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    histogram: histogram(sorted),
  };
}

/** A growable buffer of samples; cheap to add to from a hot loop. */
export function createRecorder(initial = 4_096) {
  let values = new Float64Array(initial);
  let count = 0;
  return {
    add(ms: number) {
      if (count === values.length) {
        const bigger = new Float64Array(values.length * 2);
        bigger.set(values);
        values = bigger;
      }
      values[count++] = ms;
    },
    get count() {
      return count;
    },
    values: () => values.subarray(0, count),
    summary: () => summarize(values.subarray(0, count)),
  };
}
export type Recorder = ReturnType<typeof createRecorder>;
