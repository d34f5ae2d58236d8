import type { BenchResult } from "./result.ts";
import { renderTable, type Column } from "./table.ts";

const n = (value: number | null | undefined, digits = 0) => (value == null || !Number.isFinite(value) ? "n/a" : value.toLocaleString("en-US", { maximumFractionDigits: digits }));
const ms = (value: number | null | undefined) => (value == null || !Number.isFinite(value) ? "n/a" : `${n(value, value < 10 ? 1 : 0)} ms`);
const mark = (met: boolean | null) => (met === null ? "–" : met ? "✓ met" : "✗ not met");

/** The key numbers of a run, as rows of metric | value | note: the table main.ts prints. */
export function headlineRows(r: BenchResult): string[][] {
  const a = r.acceptance.latencyMs;
  const e = r.saga.e2eLatencyMs;
  const c = r.saga.compensatedLatencyMs;
  const rows: string[][] = [
    ["offered / sent / accepted", `${n(r.load.offered)} / ${n(r.load.sent)} / ${n(r.load.accepted)}`, [Object.keys(r.load.refused).length ? `refused ${JSON.stringify(r.load.refused)}` : "", r.load.retried ? `${n(r.load.retried)} 503s pressed again` : ""].filter(Boolean).join("; ")],
    ["accepted/s", n(r.acceptance.perSec, 1), `load window ${n(r.load.windowS, 1)} s (${r.load.kind} loop)`],
    ["acceptance p50 / p95 / p99", `${ms(a.p50)} / ${ms(a.p95)} / ${ms(a.p99)}`, `max ${ms(a.max)}; from the scheduled time`],
    ["e2e p50 / p95 / p99", `${ms(e.p50)} / ${ms(e.p95)} / ${ms(e.p99)}`, `202 → OrderCompleted, OrderCancelled or OrderRefused on the stream; max ${ms(e.max)}`],
  ];
  if (r.options.acceptanceOnly) {
    rows.splice(3, 1, ["saga", "not run", "--acceptance-only: the orders service alone; nothing consumed OrderPlaced"]);
  }
  const w = r.load.warmUp;
  if (w) rows.unshift(["warm-up (not counted)", `${n(w.buyers)} buyers, ${n(w.units)} units`, `a sale of ${w.sku} before the clock: ${n(w.accepted)} answered 202 in ${n(w.seconds, 1)} s, quiet ${n(w.settleS, 1)} s later; /metrics read first from ${n(w.metricsReadFrom)} processes`]);
  if (c.count > 0) rows.push(["compensated p50 / p99", `${ms(c.p50)} / ${ms(c.p99)}`, `${n(c.count)} orders CANCELLING → CANCELLED`]);
  const finishedNote = r.options.acceptanceOnly ? "nothing carried them further (--acceptance-only)" : r.saga.undecided || r.saga.unfinished ? `${r.saga.undecided} undecided, ${r.saga.unfinished} unfinished` : r.saga.settleTimedOut ? "every accepted order finished, after the settle timeout" : "every accepted order finished";
  const outcomesNote = r.saga.seen && !r.options.acceptanceOnly ? `${finishedNote}; ${n(r.saga.seen.placed)} placed through the saga` : finishedNote;
  const sagaRows = (more: string[][]) => (r.options.acceptanceOnly ? [] : more);
  if (Object.keys(r.load.networkErrors).length) rows.push(["no answer", n(Object.values(r.load.networkErrors).reduce((a, b) => a + b, 0)), Object.entries(r.load.networkErrors).map(([k, v]) => `${k} × ${n(v)}`).join("; ")]);
  rows.push(
    ...sagaRows([["completed sagas/s (in window)", n(r.saga.completedPerSecInWindow, 1), `finished (either way) ${n(r.saga.finishedPerSecInWindow, 1)}/s; overall incl. drain ${n(r.saga.finishedPerSecOverall, 1)}/s`],
    ["settled", r.saga.settledS == null ? "n/a" : `${n(r.saga.settledS, 2)} s`, `first arrival → last outcome; system quiet (consumers drained, mails sent) after ${r.saga.systemQuietS == null ? "n/a" : `${n(r.saga.systemQuietS, 1)} s`}`]]),
    ["outcomes", Object.entries(r.saga.outcomes).map(([k, v]) => `${k} ${n(v)}`).join(", "), outcomesNote],
    ...r.saga.stuck.map((s) => [`stuck ${s.orderId.slice(0, 8)}`, `${s.status}${s.cancelReason ? `:${s.cancelReason}` : ""}`, `facts ${s.facts.join(",")}; reservation ${s.reservation ?? "none"}; payment ${s.payment ?? "none"}`]),
    ...sagaRows([["oversold units", n(r.oversold.units), "COMPLETED orders' lines vs stock set"]]),
    ["audit", r.audit.ok === null ? "not run" : r.audit.ok ? "ok" : "VIOLATIONS", `${r.audit.source}${r.audit.checks.filter((x) => !x.ok).map((x) => `; ✗ ${x.name}: ${x.detail}`).join("")}`],
    ["events (4 streams)", `${n(r.events.total)} (${n(r.events.perSaga, 1)}/saga)`, `${n(r.events.perSecond)}/s over ${n(r.events.spanS, 1)} s; DLQ ${n(r.events.dlq)}${r.load.warmUp ? " (since the start, the warm-up's included)" : ""}`],
    ["PostgreSQL commits", `${n(r.postgres.total)} (${n(r.postgres.perSaga, 1)}/saga)`, `${n(r.postgres.perSecond)}/s; ${Object.entries(r.postgres.commits).map(([k, v]) => `${k} ${n(v)}`).join(", ")}`],
  );
  if (r.raw) {
    rows.push(
      ["raw JetStream publish", `${n(r.raw.jetstream.perSecond)} msg/s`, `${n(r.raw.jetstream.messages)} × ${r.raw.jetstream.bytesEach} B, window ${r.raw.jetstream.window}; saga events/s ÷ raw = ${n(r.raw.sagaEventsToJetStream, 3)}`],
      ["raw PostgreSQL commit", `${n(r.raw.postgres.perSecond)} /s`, `${r.raw.postgres.connections} connections, INSERT + COMMIT; saga commits/s ÷ raw = ${n(r.raw.sagaCommitsToPostgres, 3)}`],
      ...(r.raw.postgresNotify ? [["  … with pg_notify", `${n(r.raw.postgresNotify.perSecond)} /s`, "the same with a pg_notify in each transaction, as the outbox and the order status trigger do"]] : []),
    );
  }
  if (r.baseline) {
    rows.push(["saga completed/s (sustained)", n(r.baseline.sagaCompletedPerSec, 1), "COMPLETED orders, first arrival → last completion"]);
    rows.push([
      "baseline (naive) completed/s",
      n(r.baseline.completedPerSec, 1),
      `same measure → saga/baseline = ${n(r.baseline.ratio, 2)}×; baseline p99 ${ms(r.baseline.latency.p99)}${r.baseline.completedPerSecInWindow === null ? "" : `, ${n(r.baseline.completedPerSecInWindow, 1)}/s in the window`}; answers ${JSON.stringify(r.baseline.answers)}${r.baseline.unsent ? `, ${n(r.baseline.unsent)} never sent` : ""}`,
    ]);
  }
  if (r.batches && Object.keys(r.batches).length > 0) {
    const means = Object.entries(r.batches).sort(([a], [b]) => a.localeCompare(b)).map(([consumer, b]) => `${consumer} ${n(b.mean, 1)}`);
    rows.push(["messages per transaction", `mean ${n(means.length ? Object.values(r.batches).reduce((s, b) => s + b.messages, 0) / Math.max(1, Object.values(r.batches).reduce((s, b) => s + b.transactions, 0)) : 0, 1)}`, means.join(", ")]);
  }
  const g = r.load.generator;
  rows.push(["generator", `send lag p99 ${ms(g.sendLagMs.p99)}`, `max ${ms(g.sendLagMs.max)}; peak in flight ${n(g.peakInFlight)}; CPU ${n(g.cpuCores, 2)} cores`]);
  const load = r.resources.duringLoad;
  rows.push(["machine during load", `${n(load.machineBusy * 100)}% busy`, `other work ${n(load.foreignCores, 2)} cores; peak load1 ${n(load.peakLoad1, 2)}; load before ${r.machine.loadBefore.join(" ")}`]);
  return rows;
}

export function resourceRows(r: BenchResult): string[][] {
  const { peakRssMb, cpuCores } = r.resources.duringLoad;
  const perSaga = r.resources.perSaga?.cpuMs ?? {};
  const gc = r.resources.gc;
  const paused = (name: string) => {
    const seconds = gc?.seconds[name];
    if (seconds === undefined) return "";
    const share = gc?.shareOfCpu[name];
    return `${n(seconds, 2)} s${share === undefined ? "" : ` (${n(share * 100)}%)`}`;
  };
  const names = [...new Set([...Object.keys(peakRssMb), ...Object.keys(cpuCores)])];
  const rows = names.map((name) => [name, peakRssMb[name] === undefined ? "" : `${n(peakRssMb[name], 1)} MB`, cpuCores[name] === undefined ? "" : n(cpuCores[name], 2), perSaga[name] === undefined ? "" : n(perSaga[name], 2), ...(gc ? [paused(name)] : [])]);
  if (r.resources.perSaga) rows.push(["all", "", "", n(r.resources.perSaga.totalCpuMs, 2), ...(gc ? [""] : [])]);
  return rows;
}

export function phaseRows(r: BenchResult): string[][] {
  return (r.phases ?? []).map((p) => [n(p.rate), n(p.acceptedPerSec, 1), n(p.completedPerSec, 1), ms(p.acceptanceMs.p50), ms(p.acceptanceMs.p99), ms(p.e2eMs.p50), ms(p.e2eMs.p99)]);
}

export const PHASE_COLUMNS: Column[] = [
  { header: "rate/s", align: "right" },
  { header: "accepted/s", align: "right" },
  { header: "completed/s", align: "right" },
  { header: "accept p50", align: "right" },
  { header: "accept p99", align: "right" },
  { header: "e2e p50", align: "right" },
  { header: "e2e p99", align: "right" },
];

/** The tables printed on stdout at the end of a run. */
export function renderSummary(r: BenchResult, { file, logs }: { file?: string; logs?: string | null } = {}): string {
  const title = `checkout bench — ${r.scenario}${r.tag ? ` (${r.tag})` : ""}, payment latency ${r.options.paymentLatencyMs} ms${r.system.pgDelayMs ? `, PostgreSQL ${r.system.pgDelayMs} ms away each way (proxy)` : ""}, seed ${r.options.seed}, services ${r.options.source === false ? "built (npm run build)" : "from source (tsx)"}${r.system.node ? ` on Node ${r.system.node}` : ""}`;
  const parts = [title, "", renderTable([{ header: "metric" }, { header: "value", align: "right" }, { header: "note" }], headlineRows(r))];
  if (r.phases && r.phases.length > 1) parts.push("", renderTable(PHASE_COLUMNS, phaseRows(r)));
  if (r.saga.byIntent) {
    parts.push("", renderTable([{ header: "intent" }, { header: "outcomes" }], Object.entries(r.saga.byIntent).map(([intent, outcomes]) => [intent, Object.entries(outcomes).map(([k, v]) => `${k} ${n(v)}`).join(", ")])));
  }
  if (r.growth) {
    parts.push("", `growth: ${r.growth.samples} looks, every ${r.growth.everyS} s; the first ${r.growth.warmupS} s of the load are warm-up`);
    parts.push(renderTable(
      [{ header: "what" }, { header: "kind" }, { header: "at load start", align: "right" }, { header: "end", align: "right" }, { header: "max", align: "right" }, { header: "1st half", align: "right" }, { header: "2nd half", align: "right" }, { header: "verdict" }, { header: "limit" }],
      r.growth.rows.map((g) => [`${g.name} (${g.unit})`, g.kind, n(g.start, 1), n(g.end, 1), n(g.max, 1), n(g.firstHalf, 1), n(g.secondHalf, 1), g.verdict, g.limit]),
    ));
  }
  parts.push("", renderTable([{ header: "process" }, { header: "peak RSS", align: "right" }, { header: "CPU cores (load)", align: "right" }, { header: "CPU ms per order", align: "right" }, ...(r.resources.gc ? [{ header: "GC pauses (÷ CPU s)", align: "right" as const }] : [])], resourceRows(r)));
  parts.push("", renderTable([{ header: "target" }, { header: "result" }, { header: "measured" }], r.targets.map((t) => [t.target, mark(t.met), t.measured])));
  const logged = Object.entries(r.logLines ?? {}).filter(([, lines]) => lines > 0);
  if (logged.length > 0) parts.push("", `the services logged (LOG_LEVEL warn): ${logged.map(([service, lines]) => `${service} ${n(lines)} lines`).join(", ")}${logs ? ` → ${logs}` : ""}`);
  if (file) parts.push("", `result: ${file}${r.chart ? `\nchart:  ${r.chart}` : ""}`);
  return `${parts.join("\n")}\n`;
}
