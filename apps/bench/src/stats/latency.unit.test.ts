import { describe, expect, it } from "vitest";
import { createRecorder, histogram, percentile, summarize } from "./latency.ts";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it("p50 of 1..100 is 50, p99 is 99, p100 is 100, p0 the smallest", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });
  it("a tail of one slow sample in 1,000 shows at p99.9, not at p99", () => {
    const samples = [...Array(999).fill(10), 5_000];
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 99.9)).toBe(10);
    expect(percentile(samples, 99.95)).toBe(5_000);
  });
  it("is NaN without samples", () => expect(percentile([], 50)).toBeNaN());
});

describe("histogram", () => {
  it("counts each sample in the first bucket whose upper bound holds it, the rest in the overflow bucket", () => {
    expect(histogram([0.5, 1, 1.5, 7, 100, 1_000], [1, 10, 100])).toEqual([
      { le: 1, count: 2 },
      { le: 10, count: 2 },
      { le: 100, count: 1 },
      { le: null, count: 1 },
    ]);
  });
});

describe("summarize and the recorder", () => {
  it("sorts whatever order the samples came in", () => {
    const recorder = createRecorder(2);
    for (const ms of [30, 10, 20, 40, 50]) recorder.add(ms);
    expect(recorder.count).toBe(5);
    const summary = recorder.summary();
    expect(summary).toMatchObject({ count: 5, min: 10, p50: 30, p99: 50, max: 50, mean: 30 });
    expect(summary.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(5);
  });
  it("an empty summary has a count of 0 and no values", () => {
    expect(summarize([])).toMatchObject({ count: 0, p50: Number.NaN });
  });
});
