import type { LatencySummary } from "../stats/latency.ts";
import type { ResourceSummary } from "../observe/resource-summary.ts";
import type { StreamStats } from "../observe/streams.ts";
import type { JetStreamRate } from "../raw/jetstream-rate.ts";
import type { PostgresRate } from "../raw/postgres-rate.ts";
import type { BaselineResult } from "../baseline/run.ts";
import type { WarmUp } from "../run/warm-up.ts";
import type { AuditResult } from "../verify/audit.ts";
import type { StuckOrder } from "../verify/stuck.ts";
import type { StatementCost } from "../observe/pg-statements.ts";
import type { ConsumerBatches } from "../observe/batches.ts";
import type { Scenario } from "../options.ts";
import type { GrowthRow } from "./growth.ts";

export const RESULT_SCHEMA = "checkout-bench/1";

/** One step of a ramp (or the single rate of a steady run): what the chart plots against the arrival rate. */
export interface RatePoint {
  rate: number;
  durationS: number;
  offered: number;
  acceptedPerSec: number;
  completedPerSec: number;
  acceptanceMs: { p50: number; p99: number };
  e2eMs: { p50: number; p99: number };
}

export interface TargetResult {
  id: string;
  target: string;
  /** null: this run does not test it (another scenario or rate does) */
  met: boolean | null;
  measured: string;
}

export interface BenchResult {
  schema: typeof RESULT_SCHEMA;
  scenario: Scenario;
  tag: string | null;
  startedAt: string;
  finishedAt: string;
  options: Record<string, unknown>;
  machine: {
    nproc: number;
    memoryGiB: number;
    versions: Record<string, string>;
    /** load average and the busiest other processes when the run started: other work disturbs numbers */
    loadBefore: number[];
    busiestBefore: string[];
    loadAfter: number[];
  };
  /**
   * pgDelayMs: the delay added each way between the services and PostgreSQL (--pg-delay-ms), when there
   * was one; node: the Node version the services reported on their /metrics (--node chooses the
   * binary), absent in older results
   */
  system: { postgres: "private" | "shared"; pgDelayMs?: number; node?: string; env: Record<string, Record<string, string>> };
  load: {
    kind: "open" | "closed";
    offered: number;
    sent: number;
    answered: number;
    accepted: number;
    /** non-202 answers by status (0 = no answer) */
    refused: Record<string, number>;
    /** 503 answers that were followed by another press of the same checkout (--retries) */
    retried: number;
    unsent: number;
    /** the load window: from the first arrival to the last scheduled one (open) or the last answer (closed) */
    windowS: number;
    generator: { sendLagMs: { p50: number; p99: number; max: number }; peakInFlight: number; heldByInFlightCap: number; cpuCores: number | null };
    errors: Array<{ status: number; body: string }>;
    networkErrors: Record<string, number>;
    /**
     * --orders-instances > 1: the presses of POST /api/checkout each process of orders answered, by its
     * orders_checkout_total (every outcome; a press again after a 503 counts again); a process whose
     * /metrics did not answer before or after the load is left out
     */
    byOrdersInstance?: Record<string, number>;
    /** --warm-buyers: the sold-out sale before the clock (run/warm-up.ts); nothing of it is counted above */
    warmUp?: WarmUp;
  };
  acceptance: { perSec: number; latencyMs: LatencySummary };
  saga: {
    completed: number;
    cancelled: number;
    /** accepted orders without an outcome on the stream at the end of the run */
    undecided: number;
    /** accepted orders not COMPLETED or CANCELLED in the orders DB at the end of the run */
    unfinished: number;
    /** the wait after the load (--settle-timeout) ended before every order had finished */
    settleTimedOut: boolean;
    /** the first few orders that did not finish, as each service saw them */
    stuck: StuckOrder[];
    /** accepted (202) → OrderCompleted, OrderCancelled or OrderRefused stored in the ORDERS stream */
    e2eLatencyMs: LatencySummary;
    /** accepted → CANCELLED for orders that had compensations to confirm (CANCELLING first) */
    compensatedLatencyMs: LatencySummary;
    /** sagas that ended (either way) and COMPLETED orders per second, inside the load window */
    finishedPerSecInWindow: number;
    completedPerSecInWindow: number;
    /** all sagas over the time from the first arrival to the last outcome */
    finishedPerSecOverall: number;
    /** first arrival → last outcome on the stream */
    settledS: number | null;
    /**
     * orders the outcome watcher saw on the streams at each stage, the run's only (after a warm-up):
     * OrderPlaced (through the saga), inventory's decision, and the outcomes
     */
    seen?: { placed: number; decided: number; completed: number; cancelled: number };
    /** first arrival → every consumer drained and every mail sent */
    systemQuietS: number | null;
    /** final status (and cancel reason) from the orders DB */
    outcomes: Record<string, number>;
    /** mixed: planned intent → final outcome */
    byIntent?: Record<string, Record<string, number>>;
    /** mixed: answers to POST /api/orders/:id/cancel */
    cancelAnswers?: Record<string, number>;
  };
  phases?: RatePoint[];
  oversold: { units: number; bySku: Record<string, number>; soldBySku: Record<string, number>; stock: Record<string, number> };
  audit: AuditResult;
  events: StreamStats & { perSaga: number };
  postgres: { commits: Record<string, number>; total: number; perSaga: number; perSecond: number };
  raw: { jetstream: JetStreamRate; postgres: PostgresRate; postgresNotify: PostgresRate; sagaEventsToJetStream: number; sagaCommitsToPostgres: number } | null;
  resources: {
    duringLoad: ResourceSummary;
    /** CPU-ms per accepted order by process (the bench included), first arrival → system quiet: what one saga costs */
    perSaga?: { cpuMs: Record<string, number>; totalCpuMs: number };
    /**
     * main-thread GC pauses of each service (prom-client's `nodejs_gc_duration_seconds`), from just before the
     * first arrival until after the audit, and those seconds divided by the process's CPU seconds (all
     * threads) from the first arrival until quiet; absent when no service answered /metrics both times
     */
    gc?: { seconds: Record<string, number>; shareOfCpu: Record<string, number> };
  };
  /** the naive design with the same plan; both rates are COMPLETED orders from the first arrival to the last completion */
  baseline: (BaselineResult & { sagaCompletedPerSec: number; ratio: number | null }) | null;
  targets: TargetResult[];
  /**
   * every second of the load: checkouts sent and accepted (202), orders placed on the stream (OrderPlaced;
   * not a refusal at checkout), decided by inventory, and finished; the machine's busy share. `placed` and
   * `decided` since the eighth December session
   */
  /** each second of the load: progress, the machine's busy share, and each process's cores over the last second */
  timeline: Array<{ s: number; sent: number; accepted: number; placed?: number; decided?: number; finished: number; busy: number; cores?: Record<string, number> }>;
  chart: string | null;
  /** --pg-statements: the statements that took the most server time over the load and the drain */
  statements?: StatementCost[];
  /** soak: every table, stream, bucket, backlog and service's memory, judged for growth (report/growth.ts) */
  growth?: { everyS: number; warmupS: number; samples: number; rows: GrowthRow[] };
  /** messages per transaction of each durable consumer over the run (consumer_batch_messages) */
  batches?: Record<string, ConsumerBatches>;
  /**
   * lines each service wrote to stdout and stderr (its log, at the bench's LOG_LEVEL warn) until the end
   * of the run, before the system stops: the lines themselves go to `<result>.logs.txt`
   */
  logLines?: Record<string, number>;
  /** what each service wrote to stdout and stderr; saveResult writes it beside the result, not into it */
  serviceLogs?: Record<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const latencyKeys = ["count", "p50", "p95", "p99", "max", "histogram"];

/** What is missing or malformed in a result file: [] when it has the shape docs/benchmarks.md relies on. */
export function checkResultShape(result: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(result)) return ["not an object"];
  const at = (path: string): unknown => path.split(".").reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), result);
  const need = (path: string, test: (value: unknown) => boolean, what: string) => {
    if (!test(at(path))) problems.push(`${path}: expected ${what}`);
  };
  const number = (v: unknown) => typeof v === "number";
  const latency = (v: unknown) => isObject(v) && latencyKeys.every((key) => key in v);
  need("schema", (v) => v === RESULT_SCHEMA, RESULT_SCHEMA);
  need("scenario", (v) => typeof v === "string", "a scenario name");
  need("machine.nproc", number, "a number");
  need("load.offered", number, "a number");
  need("load.accepted", number, "a number");
  need("acceptance.perSec", number, "a number");
  need("acceptance.latencyMs", latency, "a latency summary");
  need("saga.e2eLatencyMs", latency, "a latency summary");
  need("saga.completed", number, "a number");
  need("saga.outcomes", isObject, "counts per outcome");
  need("oversold.units", number, "a number");
  need("audit.ok", (v) => typeof v === "boolean" || v === null, "a boolean (null: not run)");
  need("events.total", number, "a number");
  need("resources.duringLoad.peakRssMb", isObject, "peak RSS per process");
  need("targets", Array.isArray, "a list");
  need("raw", (v) => v === null || isObject(v), "null or the raw limits");
  need("baseline", (v) => v === null || isObject(v), "null or the baseline");
  return problems;
}
