import { describe, expect, it } from "vitest";
import { summarizeResources } from "./resource-summary.ts";

describe("summarizeResources", () => {
  const sample = (t: number, rss: number, cpu: number, machineBusy = 0.5) => ({ t, rssBytes: { orders: rss * 1_048_576 }, cpuSeconds: { orders: cpu }, machineBusy, load1: t / 1_000 });
  const samples = [sample(0, 80, 0), sample(1_000, 150, 0.5, 0.4), sample(2_000, 120, 1.5, 0.8), sample(3_000, 90, 1.6)];

  it("peak RSS over every sample; CPU cores and machine busy inside the window", () => {
    const summary = summarizeResources(samples, 1_000, 2_000, 2);
    expect(summary.peakRssMb).toEqual({ orders: 150 });
    expect(summary.cpuCores).toEqual({ orders: 1 });
    expect(summary.machineBusy).toBe(0.8);
    expect(summary.peakLoad1).toBe(2);
    expect(summary.foreignCores).toBe(0.6); // 0.8 × 2 cores busy, 1 core of it ours
  });

  it("counts the CPU of a window that does not start or end on a sample, as if it grew evenly between samples", () => {
    // one core busy all the time, sampled every second; the window is 5.2 s, its ends between samples
    const busy = Array.from({ length: 8 }, (_, i) => sample(i * 1_000, 100, i));
    const summary = summarizeResources(busy, 500, 5_700);
    expect(summary.cpuSeconds).toEqual({ orders: 5.2 }); // the samples inside alone hold 4 s of it
    expect(summary.cpuCores).toEqual({ orders: 1 });
  });

  it("weighs the machine's busy share like the CPU, so that other work is ours taken from the machine over one window", () => {
    // orders: 0.5 core in the first second, 1 core in the second; the machine 40 % then 80 % busy of 2 cores
    const summary = summarizeResources(samples, 500, 1_500, 2);
    expect(summary.cpuSeconds).toEqual({ orders: 0.75 });
    expect(summary.cpuCores).toEqual({ orders: 0.75 });
    expect(summary.machineBusy).toBe(0.6);
    expect(summary.foreignCores).toBe(0.45); // 0.6 × 2 cores − 0.75
  });

  it("stops at the last sample when the window runs past it, and leaves out a process sampled only outside the window", () => {
    const gone = [...samples.slice(0, 2).map((s) => ({ ...s, cpuSeconds: { ...s.cpuSeconds, stripe: 1 } })), ...samples.slice(2)];
    const summary = summarizeResources(gone, 2_000, Number.POSITIVE_INFINITY);
    expect(summary.cpuSeconds).toEqual({ orders: 0.1 });
    expect(summary.cpuCores).toEqual({ orders: 0.1 });
  });
});
