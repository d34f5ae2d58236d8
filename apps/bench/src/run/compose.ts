import { processesOf, type BenchOptions } from "../options.ts";
import type { Plan } from "../plan/plan.ts";
import type { Ledger } from "../system/checkout.ts";
import type { OpenLoopReport } from "../load/open-loop.ts";
import type { Outcome } from "../observe/outcomes.ts";
import type { Settlement } from "../observe/settle.ts";
import type { StreamStats } from "../observe/streams.ts";
import type { ResourceSample } from "../observe/resources.ts";
import { summarizeResources } from "../observe/resource-summary.ts";
import type { FinalOrder } from "../verify/orders-db.ts";
import type { AuditResult } from "../verify/audit.ts";
import type { StuckOrder } from "../verify/stuck.ts";
import type { BaselineResult } from "../baseline/run.ts";
import { stockWithWarmUp, type WarmUp } from "./warm-up.ts";
import type { JetStreamRate } from "../raw/jetstream-rate.ts";
import type { PostgresRate } from "../raw/postgres-rate.ts";
import { createRecorder, summarize } from "../stats/latency.ts";
import { oversoldUnits, unitsBySku } from "../verify/sold.ts";
import { evaluateTargets } from "../report/targets.ts";
import { RESULT_SCHEMA, type BenchResult, type RatePoint } from "../report/result.ts";
import { judgeGrowth } from "../report/growth.ts";
import type { GrowthSample } from "../observe/growth.ts";

/** Everything a run observed, before it is reduced to the result. */
export interface RunFacts {
  options: BenchOptions;
  plan: Plan;
  startedAt: Date;
  finishedAt: Date;
  machine: BenchResult["machine"];
  system: BenchResult["system"];
  ledger: Ledger;
  load: { startedAt: number; endedAt: number; open?: OpenLoopReport; byOrdersInstance?: Record<string, number>; warmUp?: WarmUp | undefined };
  outcomes: Map<string, Outcome>;
  /** the outcome watcher's counts per stage at the end */
  seen?: BenchResult["saga"]["seen"];
  settlement: Settlement;
  final: Map<string, FinalOrder>;
  compensated: Map<string, number>;
  streams: StreamStats;
  commits: { before: Record<string, number>; after: Record<string, number>; service: Record<string, string> };
  raw: { jetstream: JetStreamRate; postgres: PostgresRate; postgresNotify: PostgresRate } | null;
  samples: ResourceSample[];
  audit: AuditResult;
  stuck: StuckOrder[];
  baseline: BaselineResult | null;
  timeline: BenchResult["timeline"];
  statements?: BenchResult["statements"];
  batches?: BenchResult["batches"];
  /** each Node process's main-thread GC pauses, in seconds, from just before the first arrival until after the audit */
  gcSeconds?: Record<string, number>;
  /** what each service wrote (its log lines) */
  serviceLogs?: Record<string, string>;
  /** soak: the growth probe's samples */
  growth?: GrowthSample[];
}

const round = (value: number, digits = 1) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : Number.NaN);
const countBy = <T>(items: Iterable<T>, key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};
const outcomeKey = (order: FinalOrder | undefined) => (!order ? "missing" : order.cancelReason ? `${order.status}:${order.cancelReason}` : order.status);

/** CPU-milliseconds each process spent per accepted order, from the first arrival until the system was quiet. */
function cpuPerSaga(whole: ReturnType<typeof summarizeResources>, accepted: number): { cpuMs: Record<string, number>; totalCpuMs: number } {
  const cpuMs: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(whole.cpuSeconds)) cpuMs[name] = round((seconds * 1_000) / Math.max(1, accepted), 2);
  return { cpuMs, totalCpuMs: round(Object.values(cpuMs).reduce((a, b) => a + b, 0), 2) };
}

/**
 * Each Node process's main-thread GC pauses, and those pauses (wall-clock seconds of its main thread)
 * divided by its CPU seconds (all its threads) from the first arrival until the system was quiet: a
 * ratio, not a share of one clock. The pauses are counted from just before the first arrival until
 * after the audit, so the idle GCs of those last seconds (V8's memory reducer) are in them: for a
 * process that did little, the ratio is inflated and can pass 1.
 */
function gcShares(gcSeconds: Record<string, number>, whole: ReturnType<typeof summarizeResources>): { seconds: Record<string, number>; shareOfCpu: Record<string, number> } {
  const seconds: Record<string, number> = {};
  const shareOfCpu: Record<string, number> = {};
  for (const [name, paused] of Object.entries(gcSeconds)) {
    seconds[name] = round(paused, 2);
    const cpu = whole.cpuSeconds[name];
    if (cpu !== undefined && cpu > 0) shareOfCpu[name] = round(paused / cpu, 3);
  }
  return { seconds, shareOfCpu };
}

/** Reduces what a run observed to the result: rates, latencies, outcomes, costs, targets. */
export function composeResult(f: RunFacts): BenchResult {
  const { ledger, plan, options, outcomes } = f;
  const n = plan.orders.length;
  const accepted: number[] = [];
  for (let i = 0; i < n; i++) if (ledger.status[i] === 202) accepted.push(i);
  const windowMs = f.load.endedAt - f.load.startedAt;
  // every process's CPU from the first arrival until the system was quiet: what the run cost
  const whole = summarizeResources(f.samples, f.load.startedAt, f.settlement.systemQuietAt ?? Number.POSITIVE_INFINITY, f.machine.nproc);
  const inWindow = (at: number) => at >= f.load.startedAt && at <= f.load.endedAt;

  const acceptance = createRecorder(accepted.length || 1);
  const e2e = createRecorder(accepted.length || 1);
  const compensation = createRecorder();
  let lastAnswer = f.load.startedAt;
  let lastOutcome = f.load.startedAt;
  for (const i of accepted) {
    acceptance.add(ledger.answeredAt[i]! - ledger.scheduledAt[i]!);
    lastAnswer = Math.max(lastAnswer, ledger.answeredAt[i]!);
    const id = ledger.orderId[i]!;
    const outcome = outcomes.get(id);
    if (outcome) {
      // an order refused at checkout (sold out) is decided by its answer; its OrderRefused may reach
      // the stream a moment before the client has read the 202
      e2e.add(Math.max(0, outcome.at - ledger.answeredAt[i]!));
      lastOutcome = Math.max(lastOutcome, outcome.at);
    }
    const done = f.compensated.get(id);
    if (done !== undefined) {
      compensation.add(done - ledger.answeredAt[i]!);
      lastOutcome = Math.max(lastOutcome, done);
    }
  }
  const decided = [...outcomes.values()];
  const completedInWindow = decided.filter((o) => o.kind === "completed" && inWindow(o.at)).length;
  const finishedInWindow = decided.filter((o) => inWindow(o.at)).length;
  const anyOutcome = decided.length > 0;
  const acceptedIds = accepted.map((i) => ledger.orderId[i]!);
  const finalOfAccepted = acceptedIds.map((id) => f.final.get(id));
  // by status, and a 503 also by its reason ("503 backlog"): which bound refused the buyer for good
  const refusedIndexes = [...ledger.status.keys()].filter((i) => ledger.status[i] !== 202 && ledger.status[i] !== -1);
  const refused = countBy(refusedIndexes, (i) => [ledger.status[i], ledger.refusalReason[i]].filter((part) => part !== undefined).join(" "));

  let phases: RatePoint[] | undefined;
  if (plan.load.kind === "open") {
    const { phases: specs, phase } = plan.load.schedule;
    let phaseStart = f.load.startedAt;
    phases = specs.map((spec, k) => {
      const from = phaseStart;
      const to = from + spec.durationS * 1_000;
      phaseStart = to;
      const members = accepted.filter((i) => phase[i] === k);
      const acc = summarize(members.map((i) => ledger.answeredAt[i]! - ledger.scheduledAt[i]!));
      const ends = summarize(members.flatMap((i) => {
        const o = outcomes.get(ledger.orderId[i]!);
        return o ? [o.at - ledger.answeredAt[i]!] : [];
      }));
      // throughput as seen during the step: answers and outcomes whose time falls inside it
      const completedThen = decided.filter((o) => o.kind === "completed" && o.at >= from && o.at < to).length;
      const acceptedThen = accepted.filter((i) => ledger.answeredAt[i]! >= from && ledger.answeredAt[i]! < to).length;
      return {
        rate: spec.rate,
        durationS: spec.durationS,
        offered: [...phase].filter((p) => p === k).length,
        acceptedPerSec: round(acceptedThen / spec.durationS),
        completedPerSec: round(completedThen / spec.durationS),
        acceptanceMs: { p50: acc.p50, p99: acc.p99 },
        e2eMs: { p50: ends.p50, p99: ends.p99 },
      };
    });
  }

  const completedOrders = [...f.final.values()].filter((o) => o.status === "COMPLETED");
  const soldBySku = unitsBySku(completedOrders);
  // a warm-up's SKU sold too, from its own stock
  const stock = stockWithWarmUp(plan.stock, f.load.warmUp);
  const oversold = oversoldUnits(stock, soldBySku);
  const commits: Record<string, number> = {};
  for (const [db, service] of Object.entries(f.commits.service)) commits[service] = (f.commits.after[db] ?? 0) - (f.commits.before[db] ?? 0);
  const totalCommits = Object.values(commits).reduce((a, b) => a + b, 0);
  const busyS = ((f.settlement.systemQuietAt ?? f.settlement.quietAt ?? lastOutcome) - f.load.startedAt) / 1_000;
  const settledS = anyOutcome ? round((lastOutcome - f.load.startedAt) / 1_000, 2) : null;
  const completedCount = finalOfAccepted.filter((o) => o?.status === "COMPLETED").length;
  // what each design sustained: COMPLETED orders from the first arrival to the last completion (the
  // baseline is measured the same way), so a saga whose latency outlasts the load window is not penalized
  const lastCompleted = Math.max(0, ...decided.filter((o) => o.kind === "completed").map((o) => o.at));
  const sagaCompletedPerSec = lastCompleted > f.load.startedAt ? completedCount / ((lastCompleted - f.load.startedAt) / 1_000) : 0;

  const result: Omit<BenchResult, "targets"> = {
    schema: RESULT_SCHEMA,
    scenario: options.scenario,
    tag: options.tag ?? null,
    startedAt: f.startedAt.toISOString(),
    finishedAt: f.finishedAt.toISOString(),
    options: { ...options, env: undefined },
    machine: f.machine,
    system: f.system,
    load: {
      kind: plan.load.kind,
      offered: n,
      sent: ledger.sent,
      answered: ledger.answered,
      accepted: accepted.length,
      refused,
      retried: ledger.retried,
      unsent: f.load.open?.unsent ?? 0,
      ...(f.load.byOrdersInstance ? { byOrdersInstance: f.load.byOrdersInstance } : {}),
      ...(f.load.warmUp ? { warmUp: f.load.warmUp } : {}),
      windowS: round(windowMs / 1_000, 2),
      generator: {
        sendLagMs: { p50: f.load.open?.sendLag.p50 ?? 0, p99: f.load.open?.sendLag.p99 ?? 0, max: f.load.open?.sendLag.max ?? 0 },
        peakInFlight: f.load.open?.peakInFlight ?? (plan.load.kind === "closed" ? plan.load.concurrency : 0),
        heldByInFlightCap: f.load.open?.heldByInFlightCap ?? 0,
        cpuCores: null,
      },
      errors: ledger.errors,
      networkErrors: ledger.networkErrors,
    },
    acceptance: { perSec: round(accepted.length / Math.max(0.001, (lastAnswer - f.load.startedAt) / 1_000)), latencyMs: acceptance.summary() },
    saga: {
      completed: completedCount,
      cancelled: finalOfAccepted.filter((o) => o?.status === "CANCELLED").length,
      undecided: acceptedIds.filter((id) => !outcomes.has(id)).length,
      unfinished: finalOfAccepted.filter((o) => o?.status !== "COMPLETED" && o?.status !== "CANCELLED").length,
      settleTimedOut: f.settlement.quietAt === undefined,
      stuck: f.stuck,
      e2eLatencyMs: e2e.summary(),
      compensatedLatencyMs: compensation.summary(),
      finishedPerSecInWindow: round(finishedInWindow / (windowMs / 1_000)),
      completedPerSecInWindow: round(completedInWindow / (windowMs / 1_000)),
      finishedPerSecOverall: anyOutcome ? round(decided.length / Math.max(0.001, (lastOutcome - f.load.startedAt) / 1_000)) : 0,
      settledS,
      ...(f.seen ? { seen: f.seen } : {}),
      systemQuietS: f.settlement.systemQuietAt ? round((f.settlement.systemQuietAt - f.load.startedAt) / 1_000, 2) : null,
      outcomes: countBy(finalOfAccepted, outcomeKey),
      ...(options.scenario === "mixed"
        ? {
            byIntent: accepted.reduce<Record<string, Record<string, number>>>((table, i) => {
              const row = (table[plan.orders[i]!.intent] ??= {});
              const key = outcomeKey(f.final.get(ledger.orderId[i]!));
              row[key] = (row[key] ?? 0) + 1;
              return table;
            }, {}),
            cancelAnswers: countBy([...ledger.cancelStatus].filter((s) => s !== -1), String),
          }
        : {}),
    },
    ...(phases ? { phases } : {}),
    oversold: { units: oversold.total, bySku: oversold.bySku, soldBySku, stock },
    audit: f.audit,
    events: { ...f.streams, perSaga: round(f.streams.total / Math.max(1, accepted.length), 2) },
    postgres: { commits, total: totalCommits, perSaga: round(totalCommits / Math.max(1, accepted.length), 2), perSecond: round(totalCommits / Math.max(0.001, busyS), 0) },
    raw: f.raw
      ? { ...f.raw, sagaEventsToJetStream: round(f.streams.perSecond / f.raw.jetstream.perSecond, 3), sagaCommitsToPostgres: round(totalCommits / Math.max(0.001, busyS) / f.raw.postgres.perSecond, 3) }
      : null,
    resources: {
      duringLoad: summarizeResources(f.samples, f.load.startedAt, Math.max(f.load.endedAt, f.load.startedAt + 1_000), f.machine.nproc),
      perSaga: cpuPerSaga(whole, accepted.length),
      ...(f.gcSeconds && Object.keys(f.gcSeconds).length > 0 ? { gc: gcShares(f.gcSeconds, whole) } : {}),
    },
    baseline: f.baseline ? { ...f.baseline, sagaCompletedPerSec: round(sagaCompletedPerSec), ratio: f.baseline.completedPerSec > 0 ? round(sagaCompletedPerSec / f.baseline.completedPerSec, 2) : null } : null,
    timeline: f.timeline,
    ...(f.statements ? { statements: f.statements } : {}),
    ...(f.batches ? { batches: f.batches } : {}),
    ...(f.serviceLogs ? { logLines: Object.fromEntries(Object.entries(f.serviceLogs).map(([name, text]) => [name, text.split("\n").filter(Boolean).length])), serviceLogs: f.serviceLogs } : {}),
    ...(f.growth
      ? {
          growth: {
            everyS: options.probeEveryS,
            warmupS: options.warmupS,
            samples: f.growth.length,
            rows: judgeGrowth({
              growth: f.growth,
              rss: f.samples,
              services: processesOf(["orders", "inventory", "payments", "shipping", "notifications"], options.ordersInstances).filter((name) => f.samples.some((s) => s.rssBytes[name] !== undefined)),
              loadStartedAt: f.load.startedAt,
              loadEndedAt: f.load.endedAt,
              warmupS: options.warmupS,
              accepted: accepted.length,
              rate: options.rate,
            }),
          },
        }
      : {}),
    chart: null,
  };
  result.load.generator.cpuCores = result.resources.duringLoad.cpuCores["bench"] ?? null;
  return { ...result, targets: evaluateTargets(result) };
}
