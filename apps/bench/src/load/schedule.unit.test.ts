import { describe, expect, it } from "vitest";
import { seededRandom } from "../random.ts";
import { rampPhases, scheduleArrivals } from "./schedule.ts";

describe("scheduleArrivals", () => {
  it("uniform: rate × duration arrivals, 1/rate apart, the phase of each known", () => {
    const { offsetsMs, phase, totalMs } = scheduleArrivals([{ rate: 10, durationS: 2 }, { rate: 4, durationS: 1 }]);
    expect(offsetsMs.length).toBe(24);
    expect([...offsetsMs.slice(0, 3)]).toEqual([0, 100, 200]);
    expect(offsetsMs[20]).toBe(2_000);
    expect(offsetsMs[23]).toBe(2_750);
    expect([...phase.slice(18, 22)]).toEqual([0, 0, 1, 1]);
    expect(totalMs).toBe(3_000);
  });

  it("poisson: about rate × duration arrivals, ascending, inside the phase, the same for the same seed", () => {
    const one = scheduleArrivals([{ rate: 1_000, durationS: 10 }], { process: "poisson", random: seededRandom(7) });
    const two = scheduleArrivals([{ rate: 1_000, durationS: 10 }], { process: "poisson", random: seededRandom(7) });
    expect(one.offsetsMs.length).toBeGreaterThan(9_700);
    expect(one.offsetsMs.length).toBeLessThan(10_300);
    expect([...one.offsetsMs]).toEqual([...two.offsetsMs]);
    expect(one.offsetsMs.every((at, i) => i === 0 || at >= one.offsetsMs[i - 1]!)).toBe(true);
    expect(one.offsetsMs[one.offsetsMs.length - 1]!).toBeLessThan(10_000);
  });

  it("a zero-rate phase is a pause", () => {
    const { offsetsMs } = scheduleArrivals([{ rate: 0, durationS: 1 }, { rate: 2, durationS: 1 }]);
    expect([...offsetsMs]).toEqual([1_000, 1_500]);
  });
});

describe("rampPhases", () => {
  it("rises geometrically from `from` to `to` in equal steps", () => {
    expect(rampPhases({ from: 100, to: 1_600, steps: 5, durationS: 50 })).toEqual([
      { rate: 100, durationS: 10 },
      { rate: 200, durationS: 10 },
      { rate: 400, durationS: 10 },
      { rate: 800, durationS: 10 },
      { rate: 1_600, durationS: 10 },
    ]);
  });

  it("or linearly, and refuses a ramp that falls", () => {
    expect(rampPhases({ from: 100, to: 400, steps: 4, durationS: 8, shape: "linear" }).map((p) => p.rate)).toEqual([100, 200, 300, 400]);
    expect(() => rampPhases({ from: 400, to: 100, steps: 3, durationS: 9 })).toThrow(/rises/);
  });
});
