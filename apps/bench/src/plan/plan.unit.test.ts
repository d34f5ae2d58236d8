import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../options.ts";
import { FLASH_SKU, planRun } from "./plan.ts";

describe("planRun", () => {
  it("flash sale: one SKU with the units on sale, one order per buyer, closed loop", () => {
    const plan = planRun({ ...DEFAULTS, scenario: "flash-sale", buyers: 50, units: 5, concurrency: 1_000 });
    expect(plan.stock).toEqual({ [FLASH_SKU]: 5 });
    expect(plan.orders).toHaveLength(50);
    expect(plan.load).toEqual({ kind: "closed", concurrency: 50 });
  });

  it("steady: rate × duration orders over the SKUs, each with stock to spare", () => {
    const plan = planRun({ ...DEFAULTS, scenario: "steady", rate: 100, durationS: 3, skus: 4 });
    expect(plan.orders).toHaveLength(300);
    expect(Object.keys(plan.stock)).toHaveLength(4);
    for (const [sku, units] of Object.entries(plan.stock)) expect(units).toBe(100 + plan.orders.filter((o) => o.sku === sku).length);
    expect(plan.orders.every((o) => o.intent === "ok")).toBe(true);
    expect(plan.load.kind).toBe("open");
  });

  it("mixed: about the asked shares of declines, unserved addresses and cancellations, the same for the same seed", () => {
    const options = { ...DEFAULTS, scenario: "mixed" as const, rate: 1_000, durationS: 10, declineRate: 0.1, unservedRate: 0.2, cancelRate: 0.05, cancelDelayMs: 300 };
    const plan = planRun(options);
    const share = (intent: string) => plan.orders.filter((o) => o.intent === intent).length / plan.orders.length;
    expect(share("decline")).toBeCloseTo(0.1, 1);
    expect(share("unserved")).toBeCloseTo(0.2, 1);
    expect(share("cancel")).toBeCloseTo(0.05, 1);
    expect(plan.orders.filter((o) => o.intent === "cancel").every((o) => o.cancelAfterMs >= 0 && o.cancelAfterMs <= 300)).toBe(true);
    expect(planRun(options).orders).toEqual(plan.orders);
  });

  it("ramp: phases rising to the top rate", () => {
    const plan = planRun({ ...DEFAULTS, scenario: "ramp", rateFrom: 10, rate: 40, steps: 3, durationS: 6 });
    expect(plan.load.kind === "open" && plan.load.schedule.phases.map((p) => p.rate)).toEqual([10, 20, 40]);
    expect(plan.orders).toHaveLength(20 + 40 + 80);
  });
});
