import { randomUUID } from "node:crypto";
import { createTestDatabase, type ShopResponse } from "@checkout/testing";
import type { BenchOptions } from "../options.ts";
import type { Plan } from "../plan/plan.ts";
import { epochNow } from "../clock.ts";
import { runClosedLoop } from "../load/closed-loop.ts";
import { runOpenLoop } from "../load/open-loop.ts";
import { createRecorder, type LatencySummary } from "../stats/latency.ts";
import { oversoldUnits } from "../verify/sold.ts";
import { startBaseline } from "./server.ts";

export interface BaselineResult {
  pool: number;
  offered: number;
  sent: number;
  /** answers by HTTP status (0 = no answer) */
  answers: Record<string, number>;
  completed: number;
  /** arrivals never sent: the run stops DRAIN_S after the schedule ends, whatever is still queued */
  unsent: number;
  /** from the scheduled (open loop) or sent (closed loop) time to the 201 */
  latency: LatencySummary;
  /** orders committed per second from the first arrival to the last commit: what it sustained */
  completedPerSec: number;
  /** open loop: orders committed inside the load window, per second of it */
  completedPerSecInWindow: number | null;
  windowS: number;
  oversold: number;
}

const DRAIN_S = 5;
const PRICE = 2_000;

/**
 * Drives the naive service with the same plan (same arrivals, SKUs, stock, cards) as the saga run, on
 * a database of its own next to the run's and the same stripe-sim at the same latency. Shipping and
 * cancellations do not exist there: those orders are plain orders.
 */
export async function runBaseline({
  plan,
  options,
  adminUrl,
  stripeUrl,
  fetch = globalThis.fetch,
  onProgress = () => {},
}: {
  plan: Plan;
  options: BenchOptions;
  adminUrl: string;
  stripeUrl: string;
  /** the generator's client: the saga run's, so that both designs are driven alike */
  fetch?: (url: string, init?: RequestInit) => Promise<ShopResponse>;
  onProgress?: (line: string) => void;
}): Promise<BaselineResult> {
  const db = await createTestDatabase("bench_baseline", adminUrl);
  const service = await startBaseline({ databaseUrl: db.url, stripeUrl, pool: options.baselinePool });
  try {
    await service.setStock(plan.stock);
    const latency = createRecorder(plan.orders.length);
    const answers: Record<string, number> = {};
    let sent = 0;
    const fire = async (index: number, scheduledAt: number) => {
      sent++;
      const order = plan.orders[index]!;
      const body = { orderId: randomUUID(), sku: order.sku, qty: order.qty, amount: PRICE * order.qty, paymentMethod: order.intent === "decline" ? "pm_card_chargeDeclined" : "pm_card_visa" };
      const status = await fetch(`${service.url}/checkout`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
        .then(async (response) => (await response.arrayBuffer(), response.status))
        .catch(() => 0);
      answers[status] = (answers[status] ?? 0) + 1;
      if (status === 201) latency.add(epochNow() - scheduledAt);
    };
    const ticker = setInterval(() => onProgress(`baseline: sent ${sent}/${plan.orders.length}, committed ${service.commits.length}`), 1_000);
    let completedPerSecInWindow: number | null = null;
    let windowS: number;
    let startedAt: number;
    let unsent = 0;
    try {
      if (plan.load.kind === "open") {
        const { offsetsMs, totalMs } = plan.load.schedule;
        const startsAt = epochNow() + 20;
        const deadline = startsAt + totalMs + DRAIN_S * 1_000;
        const drainTimer = setTimeout(() => service.drain(), deadline - epochNow());
        const report = await runOpenLoop({ offsetsMs, fire, maxInFlight: options.maxInFlight, deadline, leadMs: startsAt - epochNow() });
        clearTimeout(drainTimer);
        unsent = report.unsent;
        startedAt = report.startedAt;
        windowS = totalMs / 1_000;
        completedPerSecInWindow = service.commits.filter((t) => t >= report.startedAt && t <= report.startedAt + totalMs).length / windowS;
      } else {
        const closed = await runClosedLoop({ count: plan.orders.length, concurrency: plan.load.concurrency, fire });
        startedAt = closed.startedAt;
        windowS = (closed.endedAt - closed.startedAt) / 1_000;
      }
    } finally {
      clearInterval(ticker);
    }
    const oversold = oversoldUnits(plan.stock, await service.soldBySku()).total;
    return {
      pool: options.baselinePool,
      offered: plan.orders.length,
      sent,
      answers,
      completed: service.commits.length,
      unsent,
      latency: latency.summary(),
      completedPerSec: service.commits.length ? Math.round((service.commits.length / Math.max(0.001, (Math.max(...service.commits) - startedAt) / 1_000)) * 10) / 10 : 0,
      completedPerSecInWindow: completedPerSecInWindow === null ? null : Math.round(completedPerSecInWindow * 10) / 10,
      windowS: Math.round(windowS * 10) / 10,
      oversold,
    };
  } finally {
    await service.stop();
    await db.drop();
  }
}
