import type { BenchResult, TargetResult } from "./result.ts";
import { processesOf } from "../options.ts";

type Measured = Omit<BenchResult, "targets">;

const SERVICES = ["orders", "inventory", "payments", "shipping", "notifications"];
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "n/a");

/**
 * The targets of the benchmark issue, judged on what this run measured. A target the run does not
 * exercise (another scenario, a lower rate, a shorter run) is `met: null` with what was measured.
 */
export function evaluateTargets(r: Measured): TargetResult[] {
  const latencyMs = Number(r.options.paymentLatencyMs);
  const rate = Number(r.options.rate);
  const durationS = Number(r.options.durationS);
  const targets: TargetResult[] = [];
  const sagas = !r.options.acceptanceOnly; // --acceptance-only runs no saga
  const steadyLike = r.scenario === "steady" || r.scenario === "soak"; // a soak is a long steady run

  const acceptanceP99 = r.acceptance.latencyMs.p99;
  const ordersInstances = Number(r.options.ordersInstances ?? 1);
  // several processes of orders admit, gate and batch each on their own: a run says so
  const onProcesses = ordersInstances > 1 ? ` on ${ordersInstances} processes of orders` : "";
  const bestAcceptance = r.phases?.length
    ? Math.max(0, ...r.phases.filter((p) => p.acceptanceMs.p99 <= 50).map((p) => p.acceptedPerSec))
    : acceptanceP99 <= 50 ? r.acceptance.perSec : 0;
  const offeredEnough = r.load.kind === "open" && (r.phases?.length ? Math.max(...r.phases.map((p) => p.rate)) : rate) >= 5_000;
  targets.push({
    id: "acceptance",
    target: "acceptance ≥ 5,000 orders/s with p99 ≤ 50 ms",
    met: bestAcceptance >= 5_000 ? true : offeredEnough ? false : null,
    measured: `${fmt(r.acceptance.perSec)}/s accepted, p99 ${fmt(acceptanceP99, 1)} ms${r.load.kind === "closed" ? ` (closed loop, ${fmt(r.load.generator.peakInFlight)} at once)` : offeredEnough ? "" : ` (offered ${fmt(r.phases?.length ? Math.max(...r.phases.map((p) => p.rate)) : rate)}/s)`}${onProcesses}`,
  });

  const sustainedRun = sagas && steadyLike && durationS >= 60 && latencyMs >= 300 && rate >= 1_000;
  targets.push({
    id: "sustained",
    target: "≥ 1,000 completed sagas/s sustained 60 s with 300 ms payment latency",
    met: sagas && r.saga.completedPerSecInWindow >= 1_000 && durationS >= 60 && latencyMs >= 300 && steadyLike ? true : sustainedRun ? false : null,
    measured: steadyLike ? `${fmt(r.saga.completedPerSecInWindow, 1)} completed/s over ${fmt(durationS)} s at ${fmt(rate)}/s offered, ${fmt(latencyMs)} ms` : `not this scenario (steady --rate 1000 --duration 60)`,
  });

  const e2eRun = sagas && steadyLike && rate >= 500;
  const e2eP99 = r.saga.e2eLatencyMs.p99;
  targets.push({
    id: "e2e-p99",
    target: "end-to-end p99 ≤ 1 s at 500 orders/s",
    met: e2eRun ? e2eP99 <= 1_000 && r.saga.undecided === 0 : null,
    measured: steadyLike ? `e2e p99 ${fmt(e2eP99)} ms at ${fmt(rate)}/s offered${r.saga.undecided ? `, ${r.saga.undecided} never decided` : ""}` : `not this scenario (steady --rate 500); e2e p99 here ${fmt(e2eP99)} ms`,
  });

  if (r.scenario === "flash-sale" && sagas) {
    const buyers = Number(r.options.buyers);
    const units = Number(r.options.units);
    const completed = r.saga.outcomes["COMPLETED"] ?? 0;
    const soldOut = r.saga.outcomes["CANCELLED:out_of_stock"] ?? 0;
    const everyoneAnswered = r.load.answered === buyers && r.load.accepted === buyers && r.saga.undecided === 0 && r.saga.unfinished === 0;
    const settled = r.saga.settledS ?? Number.POSITIVE_INFINITY;
    const exact = completed === Math.min(units, buyers) && soldOut === buyers - Math.min(units, buyers);
    targets.push({
      id: "flash-sale",
      target: "flash sale 10,000 buyers / 100 units: exactly 100 COMPLETED, 9,900 CANCELLED(out_of_stock), every buyer answered, settled ≤ 5 s",
      met: buyers === 10_000 && units === 100 ? exact && everyoneAnswered && settled <= 5 : null,
      measured: `${fmt(completed)} COMPLETED, ${fmt(soldOut)} CANCELLED(out_of_stock) of ${fmt(buyers)}; ${everyoneAnswered ? "every buyer answered" : `${fmt(r.load.accepted)} accepted, ${r.saga.undecided} undecided`}; settled in ${fmt(settled, 1)} s${onProcesses}`,
    });
  }

  targets.push({
    id: "baseline",
    target: "≥ 50× the naive baseline at the same payment latency",
    met: r.baseline?.ratio == null ? null : r.baseline.ratio >= 50,
    measured: r.baseline ? `saga ${fmt(r.baseline.sagaCompletedPerSec, 1)}/s vs baseline ${fmt(r.baseline.completedPerSec, 1)}/s = ${fmt(r.baseline.ratio ?? Number.NaN, 1)}×` : "no --baseline in this run",
  });

  // every process of a service counts (orders-2, … with --orders-instances); one never sampled leaves it open
  const rss = processesOf(SERVICES, ordersInstances).map((s) => [s, r.resources.duringLoad.peakRssMb[s] ?? Number.NaN] as const);
  const worst = rss.reduce((a, b) => (b[1] > a[1] ? b : a));
  targets.push({
    id: "rss",
    target: "each service ≤ 200 MB RSS",
    met: rss.every(([, mb]) => Number.isFinite(mb)) ? rss.every(([, mb]) => mb <= 200) : null,
    measured: `highest: ${worst[0]} ${fmt(worst[1])} MB`,
  });

  if (r.scenario === "soak" && r.growth) {
    const growing = r.growth.rows.filter((row) => row.grows);
    targets.push({
      id: "soak",
      target: "no unbounded growth over a 10-minute soak (tables, KV, streams trimmed by retention)",
      met: growing.length > 0 ? false : durationS >= 600 ? true : null,
      measured: `${growing.length ? `growing: ${growing.map((row) => row.name).join(", ")}` : "nothing bounded grew, every stream has an age limit"} over ${fmt(durationS)} s at ${fmt(rate)}/s`,
    });
  }

  targets.push({ id: "oversold", target: "0 oversold units", met: sagas ? r.oversold.units === 0 : null, measured: sagas ? `${r.oversold.units} oversold` : "no saga in an --acceptance-only run" });
  return targets;
}
