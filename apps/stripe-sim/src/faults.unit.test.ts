import { describe, expect, it } from "vitest";
import { decideFault } from "./faults.ts";
import { createRandom } from "./random.ts";
import { SimConfigError, createConfigState, defaultSimConfig, mergeSimConfig } from "./sim-config.ts";

const rolls = (...values: number[]) => () => values.shift() ?? 0.99;

describe("decideFault", () => {
  it("injects nothing by default and consumes no randomness", () => {
    let calls = 0;
    expect(decideFault(defaultSimConfig, () => (calls++, 0))).toBeNull();
    expect(calls).toBe(0);
  });

  it("puts an outage before every rate", () => {
    expect(decideFault({ ...defaultSimConfig, outage: true, failureRate: 1 }, rolls(0))).toBe("outage");
  });

  it("rolls each rate independently in a fixed order", () => {
    const config = { ...defaultSimConfig, timeoutRate: 0.1, rateLimitRate: 0.1, failureRate: 0.1, failAfterCommitRate: 0.1 };
    expect(decideFault(config, rolls(0.05))).toBe("timeout");
    expect(decideFault(config, rolls(0.5, 0.05))).toBe("rate_limit");
    expect(decideFault(config, rolls(0.5, 0.5, 0.05))).toBe("failure");
    expect(decideFault(config, rolls(0.5, 0.5, 0.5, 0.05))).toBe("fail_after_commit");
    expect(decideFault(config, rolls(0.5, 0.5, 0.5, 0.5))).toBeNull();
  });

  it("lands near the configured rate", () => {
    const random = createRandom(42);
    const config = { ...defaultSimConfig, failureRate: 0.3 };
    let failures = 0;
    for (let i = 0; i < 10_000; i++) if (decideFault(config, random) === "failure") failures++;
    expect(failures / 10_000).toBeGreaterThan(0.27);
    expect(failures / 10_000).toBeLessThan(0.33);
  });
});

describe("sim config", () => {
  it("merges a valid patch", () => {
    expect(mergeSimConfig(defaultSimConfig, { latencyMs: 20, failureRate: 0.5, outage: true, maxFaults: 3 })).toMatchObject({
      latencyMs: 20,
      failureRate: 0.5,
      outage: true,
      maxFaults: 3,
      hangMs: 30_000,
    });
  });

  it.each([{ failureRate: 1.5 }, { latencyMs: -1 }, { outage: "yes" }, { maxFaults: 1.5 }, { latency: 10 }, null, [1]])("rejects %j", (patch) => {
    expect(() => mergeSimConfig(defaultSimConfig, patch)).toThrow(SimConfigError);
  });

  it("spends the maxFaults budget and refills it on every change", () => {
    const state = createConfigState({ ...defaultSimConfig, maxFaults: 1 });
    expect(state.takeFault()).toBe(true);
    expect(state.takeFault()).toBe(false);
    state.set({ failureRate: 1 });
    expect(state.takeFault()).toBe(true);
    state.set({ maxFaults: null });
    expect([state.takeFault(), state.takeFault()]).toEqual([true, true]);
    expect(state.restore().failureRate).toBe(0);
  });
});
