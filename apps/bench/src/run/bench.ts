import { loadavg } from "node:os";
import { startNatsServer, type ServiceName } from "@checkout/testing";
import { processesOf, type BenchOptions } from "../options.ts";
import { planRun } from "../plan/plan.ts";
import { epochNow, sleep } from "../clock.ts";
import { startBenchSystem } from "../system/start.ts";
import { precreateCarts, setStock } from "../system/carts.ts";
import { checkoutOne, createLedger } from "../system/checkout.ts";
import { runOpenLoop, type OpenLoopReport } from "../load/open-loop.ts";
import { runClosedLoop } from "../load/closed-loop.ts";
import { watchOutcomes } from "../observe/outcomes.ts";
import { startResourceSampler, type Watched } from "../observe/resources.ts";
import { summarizeResources } from "../observe/resource-summary.ts";
import { settle, waitForQuiet, type Settlement } from "../observe/settle.ts";
import { commitCounts, streamMarks, streamStats } from "../observe/streams.ts";
import { resetStatements, topStatements } from "../observe/pg-statements.ts";
import { batchesSince, mergeBatches, parseBatches, parseCheckouts } from "../observe/batches.ts";
import { startGrowthProbe, type GrowthProbe } from "../observe/growth.ts";
import { gcPauseSeconds, nodeVersionOf } from "../observe/prom.ts";
import { measureJetStreamRate } from "../raw/jetstream-rate.ts";
import { measurePostgresRate } from "../raw/postgres-rate.ts";
import { compensatedAt, finalOrders, openReader } from "../verify/orders-db.ts";
import { runAudit, type AuditResult } from "../verify/audit.ts";
import { describeStuck, type StuckOrder } from "../verify/stuck.ts";
import { runBaseline } from "../baseline/run.ts";
import { createProgress, type Progress } from "../report/progress.ts";
import type { BenchResult } from "../report/result.ts";
import { machineInfo } from "./machine.ts";
import { composeResult, type RunFacts } from "./compose.ts";
import { stockWithWarmUp, warmUp, type WarmUp } from "./warm-up.ts";

const SERVICES: ServiceName[] = ["orders", "inventory", "payments", "shipping", "notifications"];
/** PostgreSQL publishes a backend's commit counts within ~10 s of its going idle (PG 15 pgstat). */
const PG_STATS_FLUSH_MS = 11_000;

/**
 * One benchmark run: start the system, measure the raw limits, prepare stock and carts, drive the load,
 * wait for every saga to end, check the invariants, optionally drive the naive baseline with the same
 * plan, and reduce it all to a result.
 */
export async function runBench(options: BenchOptions, progress: Progress = createProgress({ enabled: options.progress })): Promise<BenchResult> {
  const startedAt = new Date();
  const machine = machineInfo();
  const plan = planRun(options);
  progress.log(`${options.scenario}: ${plan.orders.length.toLocaleString("en-US")} orders planned; starting the system (${options.pg} PostgreSQL, private nats-server)…`);
  const bench = await startBenchSystem(options, `bench_${options.scenario.replace("-", "_")}`);
  const { system, shop } = bench;
  const full = !options.acceptanceOnly;
  let growth: GrowthProbe | undefined;
  try {
    let raw: RunFacts["raw"] = null;
    if (options.raw) {
      progress.log("raw limits: JetStream publishes and PostgreSQL commits on the idle system…");
      // the run's server may be secured (deploy/nats/permissions.conf): its anonymous user may not create a
      // stream, so the publishes then go to a scratch nats-server started the same way on the same disk
      const secured = ((system.nats as { users?: string[] }).users?.length ?? 0) > 0;
      const scratch = secured ? await startNatsServer() : undefined;
      const jetstream = await measureJetStreamRate((scratch ?? system.nats).url, {
        messages: options.rawMessages,
        window: options.rawWindow,
        where: scratch ? "a scratch nats-server (same binary, same disk; the run's server is secured)" : "the run's nats-server",
      }).finally(() => scratch?.stop());
      const postgres = await measurePostgresRate(bench.pg.adminUrl, { seconds: options.rawPgSeconds, connections: options.rawPgConnections });
      const postgresNotify = await measurePostgresRate(bench.pg.adminUrl, { seconds: options.rawPgSeconds, connections: options.rawPgConnections, notify: true });
      raw = { jetstream, postgres, postgresNotify };
      progress.log(`raw limits: JetStream ${jetstream.perSecond.toLocaleString("en-US")} msg/s (window ${jetstream.window}), PostgreSQL ${postgres.perSecond.toLocaleString("en-US")} commits/s (${postgres.connections} connections), ${postgresNotify.perSecond.toLocaleString("en-US")}/s with a NOTIFY in each`);
    }

    if (full) {
      await bench.setPaymentLatency(options.paymentLatencyMs);
      await setStock(shop, plan.stock);
    }
    const prepStarted = epochNow();
    const users = options.users > 0 ? options.users : Math.min(plan.orders.length, 10_000);
    const shoppers = Array.from({ length: Math.max(1, users) }, () => bench.newShopper());
    const shopOf = (index: number) => shoppers[index % shoppers.length]!;
    const carts = await precreateCarts(shopOf, plan.orders, {
      concurrency: 64,
      onProgress: (done) => progress.update({ phase: "carts", elapsedS: (epochNow() - prepStarted) / 1_000, sent: done, offered: plan.orders.length }),
    });
    progress.done();

    // every process of the services, as the tables name them (orders-2, … with --orders-instances)
    const ordersNames = processesOf(["orders"], bench.orders.length);
    const processes = SERVICES.filter((name) => system.services[name]).flatMap((name) =>
      name === "orders" ? bench.orders.map((instance, i) => ({ name: ordersNames[i]!, instance })) : [{ name, instance: system.services[name] }],
    );
    // each process's /metrics (undefined: it did not answer)
    const readMetrics = () =>
      Promise.all(processes.map(({ instance }) => fetch(`${instance.url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) => (r.ok ? r.text() : undefined)).catch(() => undefined)));

    let warmed: WarmUp | undefined;
    if (options.warmBuyers > 0) {
      progress.update({ phase: "warm-up", elapsedS: 0, note: `a sale of another SKU to ${options.warmBuyers} buyers, then quiet` });
      warmed = await warmUp({
        buyers: options.warmBuyers,
        concurrency: plan.load.kind === "closed" ? plan.load.concurrency : 1,
        retries: options.retries,
        shop,
        newShopper: bench.newShopper,
        urls: { nats: system.nats.url, orders: bench.databaseUrls.orders!, notifications: bench.databaseUrls.notifications! },
        deadline: epochNow() + options.settleTimeoutS * 1_000,
        statsFlushMs: PG_STATS_FLUSH_MS,
        readMetrics: () => readMetrics().then((texts) => texts.filter((text) => text !== undefined).length),
      });
      progress.done();
      progress.log(`warm-up: ${warmed.buyers} buyers for ${warmed.units} units of ${warmed.sku} answered in ${warmed.seconds} s, quiet ${warmed.settleS} s later; /metrics read first from ${warmed.metricsReadFrom} of ${processes.length} processes`);
    }

    // what is stored from here on is the run's: a warm-up before it is not counted
    const marks = await streamMarks(system.nats.url);
    const watch = await watchOutcomes(system.nats.url, marks);
    const watched: Watched[] = [
      ...processes.map(({ name, instance }) => ({ name, metricsUrl: `${instance.url}/metrics`, port: instance.port })),
      ...(full ? [{ name: "stripe-sim", port: system.services["stripe-sim"].port }] : []),
      { name: "nats-server", port: system.nats.port },
      ...(bench.pg.kind === "private" ? [{ name: "postgres", port: bench.pg.port, children: true, rss: false }] : []),
      ...(bench.pg.proxy ? [{ name: "pg-proxy", port: bench.pg.proxy.port, rss: false }] : []),
    ];
    if (options.pgStatements && bench.pg.kind === "private") await resetStatements(bench.pg.adminUrl);
    const sampler = startResourceSampler(watched);
    // soak: counted from before the first arrival until the system is quiet (its SELECTs are commits too, ~1 per table per look)
    growth = options.scenario === "soak" ? await startGrowthProbe({ natsUrl: system.nats.url, databases: bench.databaseUrls, everyMs: options.probeEveryS * 1_000 }) : undefined;
    const dbService = Object.fromEntries(Object.entries(system.databases).map(([service, db]) => [db.name, service]));
    const commitsBefore = await commitCounts(bench.pg.adminUrl, Object.keys(dbService));
    // each process's /metrics, here and at the end: its consumers' batches (several processes of a
    // service share their durables: they add up) and, for orders, its checkouts
    const metricsBefore = await readMetrics();

    const ledger = createLedger(plan.orders.length);
    const loadStarted = epochNow();
    const timeline: BenchResult["timeline"] = [];
    const finished = () => watch.counts.completed + watch.counts.cancelled;
    const totalS = plan.load.kind === "open" ? plan.load.schedule.totalMs / 1_000 : undefined;
    const ticker = setInterval(() => {
      const [previous, latest] = sampler.samples.slice(-2);
      const busy = latest?.machineBusy ?? Number.NaN;
      // each process's cores over the sampler's last interval, unless it was cut short
      const cores = previous && latest && latest.t - previous.t >= 500 ? summarizeResources([previous, latest], previous.t, latest.t).cpuCores : {};
      timeline.push({ s: Math.round((epochNow() - loadStarted) / 1_000), sent: ledger.sent, accepted: ledger.accepted, placed: watch.counts.placed, decided: watch.counts.decided, finished: finished(), busy: Math.round(busy * 100) / 100, cores });
    }, 1_000);
    const painter = setInterval(
      () => progress.update({ phase: options.scenario, elapsedS: (epochNow() - loadStarted) / 1_000, totalS, sent: ledger.sent, offered: plan.orders.length, accepted: ledger.accepted, finished: finished(), inFlight: ledger.sent - ledger.answered }),
      250,
    );

    const fire = (index: number, at: number) => checkoutOne(shopOf(index), ledger, index, plan.orders[index]!, carts[index]!, at, options.retries);
    let load: { startedAt: number; endedAt: number; open?: OpenLoopReport };
    try {
      if (plan.load.kind === "open") {
        const { offsetsMs, totalMs } = plan.load.schedule;
        const open = await runOpenLoop({ offsetsMs, fire, maxInFlight: options.maxInFlight, deadline: epochNow() + totalMs + 120_000 });
        load = { startedAt: open.startedAt, endedAt: open.startedAt + totalMs, open };
      } else {
        const closed = await runClosedLoop({ count: plan.orders.length, concurrency: plan.load.concurrency, fire });
        load = closed;
      }
    } finally {
      clearInterval(painter);
    }
    progress.done();

    const ordersDb = openReader(bench.databaseUrls.orders!);
    const settleStarted = epochNow();
    let settlement: Settlement = { decidedAt: undefined, quietAt: undefined, undecided: 0, unfinished: 0 };
    let quietAt: number | undefined;
    let audit: AuditResult = { source: "not run", ok: null, checks: [], note: "--acceptance-only: the sagas were not carried out", seconds: 0 };
    let stuck: StuckOrder[] = [];
    if (full) {
      settlement = await settle({
        ledger,
        watch,
        orders: ordersDb,
        deadline: epochNow() + options.settleTimeoutS * 1_000,
        onProgress: (undecided, unfinished) =>
          progress.update({ phase: "settle", elapsedS: (epochNow() - settleStarted) / 1_000, totalS: options.settleTimeoutS, finished: finished(), note: `${undecided} without an outcome${unfinished === undefined ? "" : `, ${unfinished} not finished in the orders DB`}` }),
      });
      progress.done();
      progress.log(settlement.quietAt ? "every accepted order finished; checking…" : `gave up waiting after ${options.settleTimeoutS} s: ${settlement.undecided} orders without an outcome, ${settlement.unfinished} unfinished`);
      const notificationsDb = openReader(bench.databaseUrls.notifications!);
      quietAt = await waitForQuiet({ natsUrl: system.nats.url, notifications: notificationsDb, deadline: Math.max(epochNow() + 30_000, settleStarted + options.settleTimeoutS * 1_000) });
      await notificationsDb.end();
      if (!quietAt) progress.log("the consumers or the mail worker were still busy when the wait ended");
    } else {
      // nothing carries the orders further: the time to count is when the last answer came (and the relay's last publish)
      quietAt = epochNow();
      settlement.systemQuietAt = quietAt;
    }
    clearInterval(ticker);
    const growthSamples = await growth?.stop();
    // counted before anything of ours reads those databases (every SELECT is a transaction too)
    await sleep(Math.max(0, (quietAt ?? epochNow()) + PG_STATS_FLUSH_MS - epochNow()));
    const commitsAfter = await commitCounts(bench.pg.adminUrl, Object.keys(dbService));
    const [final, compensated] = await Promise.all([finalOrders(ordersDb), compensatedAt(ordersDb)]);
    await ordersDb.end();
    const streams = await streamStats(system.nats.url, marks);
    if (full) {
      const accepted = ledger.orderId.filter((id): id is string => id !== undefined);
      const db = (name: string) => bench.databaseUrls[name]!;
      audit = await runAudit({
        urls: { nats: system.nats.url, orders: db("orders"), inventory: db("inventory"), payments: db("payments"), shipping: db("shipping"), notifications: db("notifications"), stripe: system.url("stripe-sim") },
        // for the bench's own checks when the CLI's audit is missing (that one audits every SKU it finds)
        stock: stockWithWarmUp(plan.stock, warmed),
        accepted,
      });
      progress.log(`audit (${audit.source}): ${audit.ok ? "ok" : "VIOLATIONS"}`);
      if ([...final.values()].some((o) => o.status !== "COMPLETED" && o.status !== "CANCELLED")) stuck = await describeStuck({ orders: db("orders"), inventory: db("inventory"), payments: db("payments") });
    }
    // what each process counted in the run; one that did not answer either time is left out
    const metricsAfter = await readMetrics();
    const read = processes.flatMap(({ name }, i) => {
      const [before, after] = [metricsBefore[i], metricsAfter[i]];
      return before === undefined || after === undefined ? [] : [{ name, before, after }];
    });
    const batches = mergeBatches(read.map(({ before, after }) => batchesSince(parseBatches(after), parseBatches(before))));
    // main-thread GC pauses of each Node process in the run (prom-client's histogram, from before the first arrival to now)
    const gcSeconds = Object.fromEntries(
      read.flatMap(({ name, before, after }) => {
        const [from, to] = [gcPauseSeconds(before), gcPauseSeconds(after)];
        return from === undefined || to === undefined ? [] : [[name, to - from] as const];
      }),
    );
    const byOrdersInstance =
      bench.orders.length > 1 ? Object.fromEntries(read.filter(({ name }) => ordersNames.includes(name)).map(({ name, before, after }) => [name, parseCheckouts(after) - parseCheckouts(before)])) : undefined;
    const serviceLogs = Object.fromEntries(processes.map(({ name, instance }) => [name, instance.output()]));
    await sampler.stop();
    await watch.stop();
    const statements = options.pgStatements && bench.pg.kind === "private" ? await topStatements(bench.pg.adminUrl, dbService) : undefined;

    let baseline = null;
    if (options.baseline && full) {
      progress.log("baseline: the naive one-service checkout with the same plan…");
      const baselineStarted = epochNow();
      baseline = await runBaseline({
        plan,
        options,
        adminUrl: bench.pg.servicesUrl,
        stripeUrl: system.url("stripe-sim"),
        fetch: bench.httpFetch,
        onProgress: (line) => progress.update({ phase: "baseline", elapsedS: (epochNow() - baselineStarted) / 1_000, note: line }),
      });
      progress.done();
    }

    return composeResult({
      options,
      plan,
      startedAt,
      finishedAt: new Date(),
      machine: { ...machine, loadAfter: loadavg().map((v) => Math.round(v * 100) / 100) },
      system: { postgres: bench.pg.kind, ...(bench.pg.proxy ? { pgDelayMs: bench.pg.proxy.delayMs } : {}), ...nodeOf(metricsBefore), env: bench.env },
      ledger,
      load: { ...load, ...(byOrdersInstance ? { byOrdersInstance } : {}), warmUp: warmed },
      outcomes: watch.outcomes,
      seen: { ...watch.counts },
      settlement: { ...settlement, systemQuietAt: settlement.systemQuietAt ?? quietAt },
      final,
      compensated,
      streams,
      commits: { before: commitsBefore, after: commitsAfter, service: dbService },
      raw,
      samples: sampler.samples,
      audit,
      stuck,
      baseline,
      timeline,
      ...(statements ? { statements } : {}),
      batches,
      gcSeconds,
      serviceLogs,
      ...(growthSamples ? { growth: growthSamples } : {}),
    });
  } finally {
    await growth?.stop();
    await bench.stop();
  }
}

/**
 * The Node the services ran on, as the processes reported it on their /metrics before the load (the
 * versions, joined, should they differ); nothing when none answered.
 */
function nodeOf(metrics: Array<string | undefined>): { node?: string } {
  const versions = metrics.map((text) => (text === undefined ? undefined : nodeVersionOf(text)));
  const distinct = [...new Set(versions.filter((version) => version !== undefined))];
  return distinct.length === 0 ? {} : { node: distinct.join(", ") };
}
