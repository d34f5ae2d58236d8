import { describe, expect, it } from "vitest";
import type { GrowthSample } from "../observe/growth.ts";
import { judgeGrowth, type GrowthInput } from "./growth.ts";

const MB = 1_048_576;
const START = 1_000_000;
const END = START + 600_000;

/** a sample every 30 s from 30 s before the load to 30 s after it, its values given as functions of the minute */
function soak(values: { outbox?: (min: number) => number; orders?: (min: number) => number; held?: (min: number) => number; backlog?: (min: number) => number; reservationsKv?: (min: number) => number; kvMaxAgeMs?: number }): GrowthSample[] {
  const samples: GrowthSample[] = [];
  for (let t = START - 30_000; t <= END + 30_000; t += 30_000) {
    const min = Math.min(10, Math.max(0, (t - START) / 60_000)); // nothing arrives after the load
    samples.push({
      t,
      rows: { "orders.outbox": values.outbox?.(min) ?? 0, "orders.orders": values.orders?.(min) ?? 0, "orders.products": 13 },
      live: { "inventory.held reservations": values.held?.(min) ?? 0 },
      streamMessages: { ORDERS: Math.round(min * 6_000), KV_reservations: values.reservationsKv?.(min) ?? 0 },
      streamBytes: {},
      streamMaxAgeMs: { ORDERS: 7 * 86_400_000, KV_reservations: values.kvMaxAgeMs ?? 86_400_000 },
      consumerBacklog: values.backlog?.(min) ?? 0,
    });
  }
  return samples;
}

const rss = (mbAt: (min: number) => number) =>
  Array.from({ length: 601 }, (_, s) => ({ t: START + s * 1_000, rssBytes: { orders: mbAt(s / 60) * MB } }));

const input = (growth: GrowthSample[], more: Partial<GrowthInput> = {}): GrowthInput => ({
  growth,
  rss: rss(() => 150),
  services: ["orders"],
  loadStartedAt: START,
  loadEndedAt: END,
  warmupS: 60,
  accepted: 30_000,
  rate: 50,
  ...more,
});
const row = (rows: ReturnType<typeof judgeGrowth>, name: string) => rows.find((r) => r.name === name)!;

describe("judgeGrowth", () => {
  it("measures the backlog against two seconds of saga events (here 100/s), not two seconds of orders", () => {
    // a step in the middle of the load: 150 messages are 1.5 s of events, 450 are 4.5 s
    const wobble = judgeGrowth(input(soak({ backlog: (m) => 100 + (m >= 5.5 ? 150 : 0) })));
    expect(row(wobble, "consumer backlog (pending + unacked)")).toMatchObject({ grows: false, verdict: "level" });
    const behind = judgeGrowth(input(soak({ backlog: (m) => 100 + (m >= 5.5 ? 450 : 0) })));
    expect(row(behind, "consumer backlog (pending + unacked)").verdict).toBe("GROWS: 100 → 550 (tolerance 200)");
  });

  it("finds a backlog that wobbles around a level bounded, and one that keeps climbing growing", () => {
    const level = judgeGrowth(input(soak({ outbox: (m) => 40 + (m % 2 ? 30 : -30), backlog: (m) => 120 + 10 * Math.sin(m) })));
    expect(row(level, "orders.outbox")).toMatchObject({ kind: "bounded", grows: false, verdict: "level" });
    expect(row(level, "consumer backlog (pending + unacked)").grows).toBe(false);

    const climbing = judgeGrowth(input(soak({ backlog: (m) => 500 * m })));
    expect(row(climbing, "consumer backlog (pending + unacked)")).toMatchObject({ grows: true });
    expect(row(climbing, "consumer backlog (pending + unacked)").verdict).toMatch(/^GROWS/);
  });

  it("ignores the warm-up, and tells memory that settles from memory that leaks", () => {
    const settles = judgeGrowth(input(soak({}), { rss: rss((m) => (m < 1 ? 100 + 50 * m : 150 + (m % 1 < 0.5 ? 5 : -5))) }));
    expect(row(settles, "orders RSS")).toMatchObject({ unit: "MB", grows: false });
    const leaks = judgeGrowth(input(soak({}), { rss: rss((m) => 150 + 10 * m) }));
    expect(row(leaks, "orders RSS")).toMatchObject({ grows: true });
  });

  it("reports what an order adds to a stream and its age limit, and flags a stream that nothing trims", () => {
    const rows = judgeGrowth(input(soak({ reservationsKv: (m) => Math.round(m * 3_000), kvMaxAgeMs: 86_400_000 })));
    expect(row(rows, "stream ORDERS")).toMatchObject({ kind: "retained", limit: "max_age 7 d", perOrder: 2, grows: false });
    expect(row(rows, "stream KV_reservations")).toMatchObject({ limit: "max_age 1 d", perOrder: 1, grows: false });

    const untrimmed = judgeGrowth(input(soak({ reservationsKv: (m) => Math.round(m * 3_000), kvMaxAgeMs: 0 })));
    expect(row(untrimmed, "stream KV_reservations")).toMatchObject({ limit: "none", grows: true, verdict: "GROWS: nothing trims it" });
  });

  it("counts the business record per order, and holds the catalog to staying put", () => {
    const rows = judgeGrowth(input(soak({ orders: (m) => Math.round(m * 3_000) })));
    expect(row(rows, "orders.orders")).toMatchObject({ kind: "kept", perOrder: 1, grows: false });
    expect(row(rows, "orders.products")).toMatchObject({ kind: "bounded", verdict: "level" });
  });
});
