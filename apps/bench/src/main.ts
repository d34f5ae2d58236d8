import { Command, InvalidArgumentError, Option } from "commander";
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { DEFAULTS, parseEnvOverride, SCENARIOS, type BenchOptions, type Scenario } from "./options.ts";
import { runBench } from "./run/bench.ts";
import { renderSummary } from "./report/summary.ts";
import { renderChart } from "./report/chart.ts";
import { saveResult } from "./report/files.ts";
import { renderTable } from "./report/table.ts";
import { renderStatements } from "./observe/pg-statements.ts";
import { summarizeProfile, type CpuProfile } from "./profile/summarize.ts";
import { checkResultShape, type BenchResult, type RatePoint } from "./report/result.ts";

const number = (name: string, { min = 0, max = Number.POSITIVE_INFINITY, integer = false } = {}) => (raw: string) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(`${name} must be ${integer ? "an integer" : "a number"} ≥ ${min}${Number.isFinite(max) ? ` and ≤ ${max}` : ""}`);
  }
  return value;
};
const share = (raw: string) => {
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError("a share between 0 and 1");
  return value;
};

const DESCRIPTIONS: Record<Scenario, string> = {
  steady: "a fixed arrival rate (open loop) over many SKUs",
  "flash-sale": "N buyers at once (closed loop, --concurrency) for one SKU with M units",
  mixed: "a fixed rate with declined cards, addresses the carrier does not serve and shopper cancellations",
  ramp: "a rising arrival rate in steps, to find the knee; always writes a chart",
  soak: "a steady rate for long (--duration 600 by default), watching rows, streams, buckets, backlogs and memory for growth",
};

function scenarioCommand(program: Command, scenario: Scenario): void {
  const d = DEFAULTS;
  program
    .command(scenario)
    .description(DESCRIPTIONS[scenario])
    .option("--rate <n>", "arrivals per second (the top rate for ramp)", number("--rate", { min: 0.1 }), d.rate)
    .option("--rate-from <n>", "ramp: the first step's rate", number("--rate-from", { min: 0.1 }), d.rateFrom)
    .option("--steps <n>", "ramp: number of steps", number("--steps", { min: 1, integer: true }), d.steps)
    .option("--duration <s>", "seconds of load (all steps of a ramp together)", number("--duration", { min: 0.1 }), scenario === "soak" ? 600 : d.durationS)
    .addOption(new Option("--arrivals <process>", "open-loop arrival process").choices(["uniform", "poisson"]).default(d.arrivals))
    .option("--buyers <n>", "flash-sale: buyers, one checkout each", number("--buyers", { min: 1, integer: true }), d.buyers)
    .option("--units <n>", "flash-sale: units on sale", number("--units", { min: 0, integer: true }), d.units)
    .option("--concurrency <n>", "flash-sale: buyers in flight at once (closed loop)", number("--concurrency", { min: 1, integer: true }), d.concurrency)
    .option("--users <n>", "shoppers the orders are spread over, each with its own token (0: one per order, up to 10,000)", number("--users", { integer: true }), d.users)
    .option("--skus <n>", "SKUs the orders spread over (1-13, the seeded catalog)", number("--skus", { min: 1, integer: true }), d.skus)
    .option("--decline-rate <share>", "mixed: share of declined cards", share, d.declineRate)
    .option("--unserved-rate <share>", "mixed: share of addresses the carrier does not serve (IS)", share, d.unservedRate)
    .option("--cancel-rate <share>", "mixed: share of orders the shopper cancels", share, d.cancelRate)
    .option("--cancel-delay-ms <ms>", "mixed: a cancellation is sent 0..ms after the 202", number("--cancel-delay-ms"), d.cancelDelayMs)
    .option("--payment-latency-ms <ms>", "stripe-sim latency for every provider call", number("--payment-latency-ms"), d.paymentLatencyMs)
    .option("--max-in-flight <n>", "open loop: requests in flight above this wait (still timed from their schedule)", number("--max-in-flight", { min: 1, integer: true }), d.maxInFlight)
    .option("--retries <n>", "press again after a 503's Retry-After (same Idempotency-Key), at most n times; latency counts from the first press", number("--retries", { min: 0, integer: true }), d.retries)
    .option("--warm-buyers <n>", "flash-sale: before the clock, a sale of another SKU (one unit per hundred buyers) to n buyers, and the system settles (services that have run the sale's code)", number("--warm-buyers", { min: 0, integer: true }), d.warmBuyers)
    .option("--acceptance-only", "start only the orders service and measure acceptance alone (no saga, no audit)")
    .option("--source", "run the services' TypeScript through tsx (as the tests do) instead of the bundles of npm run build, which the production image runs")
    .option("--node <path>", "the Node that runs the services' bundles (default: the bench's own), e.g. the production image's Node 24: bash scripts/ensure-node-24.sh, then --node .cache/node-24/bin/node")
    .option("--probe-every <s>", "soak: seconds between two counts of every table, stream, bucket and backlog", number("--probe-every", { min: 1 }), d.probeEveryS)
    .option("--warmup <s>", "soak: seconds at the start of the load left out when judging growth", number("--warmup", { min: 0 }), d.warmupS)
    .option("--settle-timeout <s>", "how long to wait after the load for every saga to end", number("--settle-timeout", { min: 1 }), d.settleTimeoutS)
    .option("--baseline", "also drive the naive one-service design with the same plan and compare", d.baseline)
    .option("--baseline-pool <n>", "the naive service's connection pool", number("--baseline-pool", { min: 1, integer: true }), d.baselinePool)
    .option("--no-raw", "skip the raw JetStream/PostgreSQL limits")
    .option("--raw-messages <n>", "raw JetStream: messages to publish", number("--raw-messages", { min: 1, integer: true }), d.rawMessages)
    .option("--raw-window <n>", "raw JetStream: publishes awaiting their ack at once", number("--raw-window", { min: 1, integer: true }), d.rawWindow)
    .option("--raw-pg-seconds <s>", "raw PostgreSQL: seconds of commits", number("--raw-pg-seconds", { min: 0.1 }), d.rawPgSeconds)
    .option("--raw-pg-connections <n>", "raw PostgreSQL: connections", number("--raw-pg-connections", { min: 1, integer: true }), d.rawPgConnections)
    .addOption(new Option("--pg <where>", "private: a PostgreSQL cluster of the run's own; shared: the machine's server").choices(["private", "shared"]).default(d.pg))
    .option("--pg-delay-ms <ms>", "delay each direction between the services and PostgreSQL by this (a proxy): the database as if on another host; whole ms", number("--pg-delay-ms", { min: 0, integer: true }), d.pgDelayMs)
    .option("--orders-instances <n>", "processes of the orders service; the generator spreads its shoppers over them as a load balancer would", number("--orders-instances", { min: 1, max: 4, integer: true }), d.ordersInstances)
    .option("--env <service.VAR=value>", "extra env for a service (repeatable), e.g. payments.PAYMENT_WORKER_BATCH=32", (spec: string, into: BenchOptions["env"]) => parseEnvOverride(spec, into), {})
    .option("--out <dir>", "where the result JSON (and SVG) go", d.out)
    .option("--profile <dir>", "write a V8 CPU profile of each service there (read them with `bench profile <files>`)")
    .option("--pg-statements", "private PostgreSQL: write the statements that took the most server time (pg_stat_statements) to <result>.statements.txt")
    .option("--seed <n>", "seed of the plan (SKUs, intents, poisson arrivals)", number("--seed", { integer: true }), d.seed)
    .option("--chart", "write an SVG of throughput and latency against the arrival rate", d.chart)
    .option("--tag <text>", "a label for this run, in the result and its file name")
    .option("--quiet", "no progress on stderr")
    .action(async (flags: Record<string, any>) => {
      const options: BenchOptions = {
        ...DEFAULTS,
        scenario,
        rate: flags.rate,
        rateFrom: flags.rateFrom,
        steps: flags.steps,
        durationS: flags.duration,
        arrivals: flags.arrivals,
        buyers: flags.buyers,
        units: flags.units,
        concurrency: flags.concurrency,
        users: flags.users,
        skus: flags.skus,
        declineRate: flags.declineRate,
        unservedRate: flags.unservedRate,
        cancelRate: flags.cancelRate,
        cancelDelayMs: flags.cancelDelayMs,
        paymentLatencyMs: flags.paymentLatencyMs,
        maxInFlight: flags.maxInFlight,
        retries: flags.retries,
        warmBuyers: flags.warmBuyers,
        probeEveryS: flags.probeEvery,
        warmupS: flags.warmup,
        settleTimeoutS: flags.settleTimeout,
        acceptanceOnly: Boolean(flags.acceptanceOnly),
        source: Boolean(flags.source),
        node: flags.node === undefined ? undefined : resolve(flags.node), // the services start in the repository root
        baseline: Boolean(flags.baseline),
        baselinePool: flags.baselinePool,
        raw: flags.raw !== false,
        rawMessages: flags.rawMessages,
        rawWindow: flags.rawWindow,
        rawPgSeconds: flags.rawPgSeconds,
        rawPgConnections: flags.rawPgConnections,
        pg: flags.pg,
        pgDelayMs: flags.pgDelayMs,
        ordersInstances: flags.ordersInstances,
        env: flags.env,
        out: flags.out,
        profile: flags.profile,
        pgStatements: Boolean(flags.pgStatements),
        seed: flags.seed,
        chart: Boolean(flags.chart) || scenario === "ramp",
        tag: flags.tag,
        progress: !flags.quiet,
      };
      // shoppers take turns between the processes of orders: with some left over, one would get more
      if (options.users > 0 && options.users % options.ordersInstances !== 0) {
        throw new InvalidArgumentError(`--users (${options.users}) must be a multiple of --orders-instances (${options.ordersInstances}), or 0`);
      }
      if (options.warmBuyers > 0 && (scenario !== "flash-sale" || options.acceptanceOnly)) {
        throw new InvalidArgumentError("--warm-buyers is for a flash-sale run with the saga (its orders must finish before the clock starts)");
      }
      if (options.node !== undefined && options.source) throw new InvalidArgumentError("--node runs the bundles; --source runs the sources through this Node's tsx");
      if (options.node !== undefined) {
        try {
          accessSync(options.node, constants.X_OK);
        } catch {
          throw new InvalidArgumentError(`--node ${options.node}: no executable there (bash scripts/ensure-node-24.sh puts Node 24 at .cache/node-24/bin/node)`);
        }
      }
      const result = await runBench(options);
      const { file, logs } = saveResult(result, options);
      if (result.statements) writeFileSync(file.replace(/\.json$/, ".statements.txt"), renderStatements(result.statements));
      process.stdout.write(renderSummary(result, { file, logs }));
      // the invariants must hold whatever the speed: a run that oversold or failed its audit fails
      if (result.oversold.units > 0 || result.audit.ok === false) process.exitCode = 1;
    });
}

export function createProgram(): Command {
  const program = new Command("bench")
    .description("Benchmark the checkout saga: starts the whole system (private nats-server, fresh databases), drives it, checks it, reports")
    .showHelpAfterError();
  for (const scenario of SCENARIOS) scenarioCommand(program, scenario);
  program
    .command("chart")
    .description("one SVG from several result files (e.g. steady runs at several rates): each run's steps are points")
    .argument("<files...>", "result JSON files")
    .requiredOption("--out-file <svg>", "where to write the SVG")
    .option("--title <text>", "chart title")
    .action((files: string[], flags: { outFile: string; title?: string }) => {
      const points: RatePoint[] = [];
      for (const path of files) {
        const result = JSON.parse(readFileSync(path, "utf8")) as BenchResult;
        const problems = checkResultShape(result);
        if (problems.length) throw new Error(`${path}: not a bench result (${problems.join("; ")})`);
        points.push(...(result.phases ?? []));
      }
      writeFileSync(resolve(flags.outFile), renderChart(points, { ...(flags.title ? { title: flags.title } : {}), subtitle: files.map((f) => basename(f)).join(", ").slice(0, 140) }));
      process.stdout.write(`chart: ${flags.outFile} (${points.length} points)\n`);
    });
  program
    .command("profile")
    .description("where the CPU went in .cpuprofile files written with --profile: self time by area and by function")
    .argument("<files...>", ".cpuprofile files")
    .option("--top <n>", "functions to list", number("--top", { min: 1, integer: true }), 15)
    .action((files: string[], flags: { top: number }) => {
      for (const path of files) {
        const summary = summarizeProfile(JSON.parse(readFileSync(path, "utf8")) as CpuProfile, { top: flags.top });
        process.stdout.write(`\n${basename(path)}: ${(summary.totalMs / 1_000).toFixed(1)} s profiled, ${Math.round(summary.busyShare * 100)}% busy\n`);
        process.stdout.write(`${renderTable([{ header: "area" }, { header: "self ms", align: "right" }, { header: "%", align: "right" }], summary.areas.slice(0, 12).map((a) => [a.area, String(a.ms), String(a.share)]))}\n\n`);
        process.stdout.write(`${renderTable([{ header: "function" }, { header: "self ms", align: "right" }, { header: "%", align: "right" }, { header: "where" }], summary.functions.map((f) => [f.name, String(f.ms), String(f.share), f.where]))}\n`);
      }
    });
  return program;
}

await createProgram().parseAsync(process.argv);
