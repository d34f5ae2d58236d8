import { describe, expect, it } from "vitest";
import { node24Bin } from "@checkout/testing";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS, type BenchOptions } from "./options.ts";
import { runBench } from "./run/bench.ts";
import { saveResult } from "./report/files.ts";
import { checkResultShape, type BenchResult } from "./report/result.ts";

// The whole benchmark, small: each run starts the system as separate processes (private nats-server,
// a private PostgreSQL cluster), drives it, waits for every saga, audits, and writes its result file.

const tiny: Partial<BenchOptions> = { rawMessages: 1_000, rawPgSeconds: 0.5, rawPgConnections: 4, paymentLatencyMs: 20, settleTimeoutS: 120, progress: false };

async function bench(options: Partial<BenchOptions> & Pick<BenchOptions, "scenario">): Promise<BenchResult> {
  const out = mkdtempSync(join(tmpdir(), "bench-e2e-"));
  try {
    const result = await runBench({ ...DEFAULTS, ...tiny, ...options, out });
    const { file } = saveResult(result, { out, chart: false });
    return JSON.parse(readFileSync(file, "utf8")) as BenchResult;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe("npm run bench, end to end", () => {
  it("steady at 20/s for 3 s: every order accepted and COMPLETED, latencies measured, nothing oversold, audit clean", async () => {
    const result = await bench({ scenario: "steady", rate: 20, durationS: 3, skus: 4 });
    expect(checkResultShape(result)).toEqual([]);
    expect(result.load).toMatchObject({ offered: 60, sent: 60, answered: 60, accepted: 60 });
    expect(result.saga).toMatchObject({ completed: 60, cancelled: 0, undecided: 0, unfinished: 0, outcomes: { COMPLETED: 60 } });
    expect(result.acceptance.latencyMs.count).toBe(60);
    expect(result.acceptance.latencyMs.p99).toBeGreaterThan(0);
    expect(result.saga.e2eLatencyMs.count).toBe(60);
    expect(result.saga.e2eLatencyMs.p50).toBeGreaterThan(0);
    expect(result.oversold.units).toBe(0);
    expect(result.audit.ok).toBe(true);
    expect(result.events.total).toBeGreaterThanOrEqual(60 * 8); // placed, reserved, authorized, confirmed, committed, created, captured, completed
    expect(result.raw?.jetstream.perSecond).toBeGreaterThan(0);
    expect(result.raw?.postgres.perSecond).toBeGreaterThan(0);
    expect(result.resources.duringLoad.peakRssMb["orders"]).toBeGreaterThan(0);
    expect(result.system.node).toBe(process.version); // the services ran on the bench's own Node
  }, 300_000);

  it("flash sale, 50 buyers for 5 units on two processes of orders after a warm-up of 20: exactly 5 COMPLETED, 45 CANCELLED(out_of_stock), 0 oversold, nothing of the warm-up counted; the baseline sells 5 too", async () => {
    const result = await bench({ scenario: "flash-sale", buyers: 50, units: 5, concurrency: 50, raw: false, baseline: true, ordersInstances: 2, warmBuyers: 20 });
    expect(result.load.warmUp).toMatchObject({ sku: "MUG-LOGO", units: 1, buyers: 20, accepted: 20 });
    expect(result.load.warmUp!.metricsReadFrom).toBe(6); // /metrics answered before its first checkout: both processes of orders and the four participants
    // the outcome watcher read the streams from after the warm-up: its 20 orders' events are not there
    expect(result.saga.seen).toMatchObject({ completed: 5, cancelled: 45 });
    expect(result.saga.seen!.placed).toBeGreaterThanOrEqual(5); // the 5 sold at least went through the saga
    expect(result.saga.seen!.placed).toBeLessThanOrEqual(50);
    expect(result.saga.seen!.decided).toBe(result.saga.seen!.placed);
    // the sale's own: each of its checkouts claimed its key and stored the answer; the warm-up's 20 made 40 writes before
    expect(result.events.idempotencyKvWrites).toBe(100);
    expect(result.load.byOrdersInstance).toEqual({ orders: 25, "orders-2": 25 }); // the shoppers take turns
    expect(result.resources.duringLoad.peakRssMb["orders-2"]).toBeGreaterThan(0);
    // every Node process's GC pauses were read from its /metrics before and after (a run this small may pause for none)
    expect(Object.keys(result.resources.gc?.seconds ?? {}).sort()).toEqual(["inventory", "notifications", "orders", "orders-2", "payments", "shipping"]);
    expect(checkResultShape(result)).toEqual([]);
    expect(result.load).toMatchObject({ offered: 50, answered: 50, accepted: 50 });
    expect(result.saga.outcomes).toEqual({ COMPLETED: 5, "CANCELLED:out_of_stock": 45 });
    expect(result.saga).toMatchObject({ completed: 5, cancelled: 45, undecided: 0 });
    expect(result.oversold).toMatchObject({ units: 0, soldBySku: { "BOTTLE-STEEL": 5, "MUG-LOGO": 1 } }); // the warm-up's unit sold from its own stock
    expect(result.audit.ok).toBe(true);
    expect(result.acceptance.latencyMs.count).toBe(50);
    expect(result.saga.e2eLatencyMs.count).toBe(50);
    expect(result.saga.settledS).toBeGreaterThan(0);
    expect(result.baseline).toMatchObject({ completed: 5, oversold: 0, answers: { "201": 5, "409": 45 } });
    expect(result.targets.find((t) => t.id === "oversold")?.met).toBe(true);
  }, 300_000);

  it("steady at 20/s for 3 s with the services on Node 24, the production image's runtime (--node): every order COMPLETED, audit clean", async () => {
    const result = await bench({ scenario: "steady", rate: 20, durationS: 3, skus: 4, raw: false, node: node24Bin() });
    expect(checkResultShape(result)).toEqual([]);
    expect(result.system.node).toMatch(/^v24\./);
    expect(result.load).toMatchObject({ offered: 60, answered: 60, accepted: 60 });
    expect(result.saga).toMatchObject({ completed: 60, cancelled: 0, undecided: 0, unfinished: 0 });
    expect(result.oversold.units).toBe(0);
    expect(result.audit.ok).toBe(true);
  }, 300_000);

  it("soak at 10/s for 12 s: counts every table, stream and bucket, finds nothing bounded growing, and every stream has an age limit", async () => {
    // well below what a slow machine carries while another e2e file runs beside this one: falling behind
    // is what the judgement is there to see, and a CI run at 20/s was judged (before the backlog's
    // tolerance was two seconds of events instead of two seconds of orders) to be growing
    const result = await bench({ scenario: "soak", rate: 10, durationS: 12, probeEveryS: 1, warmupS: 2, skus: 4, raw: false });
    expect(checkResultShape(result)).toEqual([]);
    expect(result.saga).toMatchObject({ completed: 120, undecided: 0, unfinished: 0 });
    const rows = Object.fromEntries(result.growth!.rows.map((row) => [row.name, row]));
    expect(result.growth!.samples).toBeGreaterThanOrEqual(10);
    // what a finished saga leaves behind: the order, its inbox rows, its events, its spent hold's delete marker
    expect(rows["orders.orders"]).toMatchObject({ kind: "kept", end: 120, perOrder: 1 });
    expect(rows["orders.outbox"]).toMatchObject({ kind: "bounded", end: 0 });
    expect(rows["inventory.held reservations"]).toMatchObject({ end: 0 });
    expect(rows["orders.open orders"]).toMatchObject({ end: 0 });
    expect(rows["inventory.inbox"]!.perOrder).toBeGreaterThan(0);
    expect(rows["stream ORDERS"]).toMatchObject({ kind: "retained", limit: "max_age 7 d" });
    expect(rows["stream KV_reservations"]).toMatchObject({ limit: "max_age 1 d", end: 120 });
    expect(rows["stream KV_idempotency"]!.limit).toBe("max_age 1 d");
    for (const row of result.growth!.rows) expect(row.limit, row.name).not.toBe("none");
    expect(rows["orders RSS"]!.unit).toBe("MB");
    expect(result.growth!.rows.filter((row) => row.grows && row.unit !== "MB")).toEqual([]); // memory: too short a run to judge
    expect(result.targets.map((t) => t.id)).toContain("soak");
  }, 300_000);
});
