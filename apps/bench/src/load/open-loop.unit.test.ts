import { describe, expect, it } from "vitest";
import { runClosedLoop } from "./closed-loop.ts";
import { runOpenLoop } from "./open-loop.ts";

// A fake clock that moves only when the loop sleeps would need timers; these use the real clock with
// small numbers instead, and assert on what does not depend on the machine's speed.

describe("runOpenLoop", () => {
  it("sends every arrival with its scheduled time, without waiting for earlier answers", async () => {
    const offsets = Float64Array.from([0, 10, 20, 30, 40]);
    const seen: Array<{ index: number; scheduledAt: number }> = [];
    let concurrent = 0;
    let peak = 0;
    const report = await runOpenLoop({
      offsetsMs: offsets,
      maxInFlight: 100,
      fire: async (index, scheduledAt) => {
        seen.push({ index, scheduledAt });
        peak = Math.max(peak, ++concurrent);
        await new Promise((resolve) => setTimeout(resolve, 100)); // slower than the arrivals
        concurrent--;
      },
    });
    expect(seen.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    expect(seen.map((s) => Math.round(s.scheduledAt - report.startedAt))).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(5); // open loop: all five out at once although each takes 100 ms
    expect(report.sendLag.count).toBe(5);
    expect(report.heldByInFlightCap).toBe(0);
  });

  it("above maxInFlight, arrivals wait and are counted, and keep their scheduled time", async () => {
    const seen: number[] = [];
    const report = await runOpenLoop({
      offsetsMs: Float64Array.from([0, 0, 0, 0]),
      maxInFlight: 2,
      fire: async (_index, scheduledAt) => {
        seen.push(scheduledAt);
        await new Promise((resolve) => setTimeout(resolve, 30));
      },
    });
    expect(report.peakInFlight).toBe(2);
    expect(report.heldByInFlightCap).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(1);
    expect(report.sendLag.max).toBeGreaterThanOrEqual(25);
  });
});

describe("runClosedLoop", () => {
  it("runs `count` requests with at most `concurrency` in flight", async () => {
    let concurrent = 0;
    let peak = 0;
    let sent = 0;
    await runClosedLoop({
      count: 20,
      concurrency: 4,
      fire: async () => {
        sent++;
        peak = Math.max(peak, ++concurrent);
        await new Promise((resolve) => setTimeout(resolve, 5));
        concurrent--;
      },
    });
    expect(sent).toBe(20);
    expect(peak).toBe(4);
  });
});
