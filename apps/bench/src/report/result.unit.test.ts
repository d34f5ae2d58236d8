import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../options.ts";
import { planRun } from "../plan/plan.ts";
import { createLedger } from "../system/checkout.ts";
import { composeResult, type RunFacts } from "../run/compose.ts";
import type { AuditResult } from "../verify/audit.ts";
import { checkResultShape } from "./result.ts";
import { resourceRows } from "./summary.ts";

// A run of 10 orders at 10/s for 1 s, made up: 9 accepted (one 503), 8 COMPLETED and 1 CANCELLED,
// reduced by composeResult to the result JSON that main.ts writes.
function facts(): RunFacts {
  const options = { ...DEFAULTS, scenario: "steady" as const, rate: 10, durationS: 1, skus: 2 };
  const plan = planRun(options);
  const ledger = createLedger(plan.orders.length);
  const t0 = 1_700_000_000_000;
  const outcomes = new Map();
  const final = new Map();
  for (let i = 0; i < 10; i++) {
    ledger.scheduledAt[i] = t0 + i * 100;
    ledger.answeredAt[i] = t0 + i * 100 + 10 + i; // acceptance 10..19 ms
    ledger.sent++;
    ledger.answered++;
    if (i === 9) {
      ledger.status[i] = 503;
      continue;
    }
    ledger.status[i] = 202;
    ledger.accepted++;
    const id = `order-${i}`;
    ledger.orderId[i] = id;
    const cancelled = i === 8;
    outcomes.set(id, { kind: cancelled ? "cancelled" : "completed", at: ledger.answeredAt[i]! + 500, ...(cancelled ? { reason: "payment_declined" } : {}) });
    final.set(id, { id, status: cancelled ? "CANCELLED" : "COMPLETED", cancelReason: cancelled ? "payment_declined" : null, lines: [{ sku: plan.orders[i]!.sku, qty: 1 }], total: 2_000 });
  }
  const audit: AuditResult = { source: "bench builtin", ok: true, checks: [], seconds: 1 };
  const sample = (t: number, cpu: number) => ({ t, rssBytes: { orders: 150 * 1_048_576, bench: 90 * 1_048_576 }, cpuSeconds: { orders: cpu, bench: cpu / 2 }, machineBusy: 0.5, load1: 1 });
  return {
    options,
    plan,
    startedAt: new Date(t0),
    finishedAt: new Date(t0 + 5_000),
    machine: { nproc: 2, memoryGiB: 24, versions: {}, loadBefore: [0, 0, 0], busiestBefore: [], loadAfter: [0, 0, 0] },
    system: { postgres: "private", env: {} },
    ledger,
    load: { startedAt: t0, endedAt: t0 + 1_000 },
    outcomes,
    settlement: { decidedAt: t0 + 2_000, quietAt: t0 + 2_000, undecided: 0, unfinished: 0, systemQuietAt: t0 + 2_500 },
    final,
    compensated: new Map([["order-8", t0 + 800 + 18 + 900]]),
    streams: { events: { ORDERS: 27, INVENTORY: 18, PAYMENTS: 17, SHIPPING: 8 }, total: 70, spanS: 2, perSecond: 35, dlq: 0, idempotencyKvWrites: 18 },
    commits: { before: { db_orders: 100 }, after: { db_orders: 190 }, service: { db_orders: "orders" } },
    raw: { jetstream: { where: "here", messages: 1_000, bytesEach: 200, window: 256, seconds: 0.1, perSecond: 10_000 }, postgres: { notify: false, connections: 16, seconds: 1, commits: 2_000, perSecond: 2_000 }, postgresNotify: { notify: true, connections: 16, seconds: 1, commits: 500, perSecond: 500 } },
    samples: [sample(t0, 0), sample(t0 + 1_000, 0.8)],
    audit,
    stuck: [],
    baseline: null,
    timeline: [],
  };
}

describe("the result JSON", () => {
  const result = composeResult(facts());

  it("has the shape docs/benchmarks.md relies on, and survives JSON", () => {
    expect(checkResultShape(JSON.parse(JSON.stringify(result)))).toEqual([]);
  });

  it("counts what the shop answered and times acceptance from the scheduled time", () => {
    expect(result.load).toMatchObject({ offered: 10, sent: 10, answered: 10, accepted: 9, refused: { "503": 1 } });
    expect(result.acceptance.latencyMs).toMatchObject({ count: 9, min: 10, p50: 14, max: 18 });
  });

  it("counts a final 503 by the reason its problem gave, where it gave one", () => {
    const given = facts();
    const refusedAt = [...given.ledger.status.keys()].find((i) => given.ledger.status[i] === 503)!;
    given.ledger.refusalReason[refusedAt] = "backlog";
    expect(composeResult(given).load.refused).toEqual({ "503 backlog": 1 });
  });

  it("times the saga from the 202 to the outcome on the stream, and compensations to CANCELLED", () => {
    expect(result.saga.e2eLatencyMs).toMatchObject({ count: 9, p50: 500, p99: 500 });
    expect(result.saga.compensatedLatencyMs).toMatchObject({ count: 1, p50: 900 });
    expect(result.saga.outcomes).toEqual({ COMPLETED: 8, "CANCELLED:payment_declined": 1 });
    expect(result.saga).toMatchObject({ completed: 8, cancelled: 1, undecided: 0, systemQuietS: 2.5 });
  });

  it("derives costs per saga and the ratios to the raw limits", () => {
    expect(result.events.perSaga).toBeCloseTo(70 / 9, 2);
    expect(result.postgres).toMatchObject({ total: 90, commits: { orders: 90 } });
    expect(result.raw?.sagaEventsToJetStream).toBe(0.004);
    expect(result.oversold.units).toBe(0);
    expect(result.resources.duringLoad.peakRssMb).toEqual({ orders: 150, bench: 90 });
    expect(result.load.generator.cpuCores).toBe(0.4);
  });

  it("counts each service's GC pauses, and divides them by its CPU seconds until quiet, in the JSON and the table", () => {
    const withGc = composeResult({ ...facts(), gcSeconds: { orders: 0.2 } });
    expect(withGc.resources.gc).toEqual({ seconds: { orders: 0.2 }, shareOfCpu: { orders: 0.25 } }); // orders used 0.8 s of CPU
    expect(resourceRows(withGc).find(([name]) => name === "orders")?.[4]).toBe("0.2 s (25%)");
    expect(result.resources.gc).toBeUndefined(); // no /metrics read: no column
    expect(resourceRows(result).find(([name]) => name === "orders")).toHaveLength(4);
    expect(composeResult({ ...facts(), gcSeconds: {} }).resources.gc).toBeUndefined(); // no service answered both times
  });

  it("judges the targets it can and leaves the others open", () => {
    const byId = Object.fromEntries(result.targets.map((t) => [t.id, t.met]));
    expect(byId).toMatchObject({ oversold: true, rss: null, baseline: null, acceptance: null });
  });

  it("names what is missing from something that is not a result", () => {
    expect(checkResultShape({ schema: "checkout-bench/1", scenario: "steady" })).toContain("acceptance.latencyMs: expected a latency summary");
    expect(checkResultShape([])).toEqual(["not an object"]);
  });
});
