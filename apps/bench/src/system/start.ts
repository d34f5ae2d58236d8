import { freePort, PG_URL, shopper, spawnService, startPostgresCluster, startSystem, type RunningProcess, type ServiceName, type TestSystem } from "@checkout/testing";
import { resolve } from "node:path";
import type { BenchOptions } from "../options.ts";
import { createHttpFetch, type HttpFetch } from "./http-fetch.ts";
import { startDelayProxy, type DelayProxy } from "./delay-proxy.ts";
import { buildServices } from "../../../../scripts/build.ts";
import { PRODUCTION_NODE_OPTIONS } from "../../../../scripts/production.ts";

/**
 * What the bench gives the services on top of startSystem's test settings. Each line is a limit that
 * would otherwise measure a test default rather than the design: see docs/benchmarks.md.
 */
export function benchEnv(overrides: BenchOptions["env"] = {}, { profile }: { profile?: string | undefined } = {}): Record<ServiceName, Record<string, string>> {
  // startSystem sets ACK_WAIT_MS=3000 so that tests see redeliveries quickly; under load a message can
  // wait longer than that in the client's buffer, so the production default (30 s) is used here.
  // It also makes the pools small (4) so that test files side by side fit PostgreSQL's max_connections;
  // the bench's own cluster takes 300, so the services get the production default.
  // and the heap cap of deploy/k8s and compose.yaml (scripts/production.ts)
  const common = { LOG_LEVEL: "warn", ACK_WAIT_MS: "30000", DATABASE_POOL_MAX: "20", NODE_OPTIONS: PRODUCTION_NODE_OPTIONS };
  const defaults: Record<ServiceName, Record<string, string>> = {
    "stripe-sim": {},
    // startSystem allows a million requests a minute per user and per address; the bench switches the
    // limits off (0), so a refusal in the results is the system's answer, not a guard of the test harness
    orders: { ...common, RATE_LIMIT_PER_USER_PER_MINUTE: "0", RATE_LIMIT_PER_IP_PER_MINUTE: "0" },
    inventory: { ...common },
    // the worker calls the provider for a batch at a time; 32 × (1 / 300 ms) would cap authorizations
    // at ~100/s, so the bench allows the largest batch the config accepts
    payments: { ...common, PAYMENT_WORKER_BATCH: "1000" },
    shipping: { ...common, CARRIER_UNSERVED_COUNTRIES: "AQ,KP,IS" },
    notifications: { ...common },
  };
  if (profile) {
    // --cpu-prof is refused in NODE_OPTIONS; --import of a preload that runs the V8 profiler is not
    const profiler = new URL("../profile/cpu-profiler.mjs", import.meta.url);
    profiler.searchParams.set("dir", resolve(profile));
    for (const service of ["orders", "inventory", "payments", "shipping", "notifications"] as const) defaults[service].NODE_OPTIONS += ` --import ${profiler.href}`;
  }
  for (const [service, env] of Object.entries(overrides)) defaults[service as ServiceName] = { ...defaults[service as ServiceName], ...env };
  return defaults;
}

/** `url` with its host and port replaced */
const onServer = (url: string, { host, port }: { host: string; port: number }) => Object.assign(new URL(url), { hostname: host, port: String(port) }).href;

export interface BenchSystem {
  system: TestSystem;
  /** the operator (sets stock) */
  shop: ReturnType<typeof shopper>;
  /** a new shopper (a user of their own, with their own token), of the orders instances in turn */
  newShopper(): ReturnType<typeof shopper>;
  /** every process of the orders service: `system.services.orders` first, then the extra instances (--orders-instances) */
  orders: RunningProcess[];
  /** the generator's fetch, which every shopper uses (one keep-alive agent) */
  httpFetch: HttpFetch;
  /**
   * the PostgreSQL server the run's databases are on; `servicesUrl` is how the services (and the naive
   * design) reach it: through the delay proxy with --pg-delay-ms, else `adminUrl`
   */
  pg: { kind: "private" | "shared"; adminUrl: string; port: number; servicesUrl: string; proxy?: { port: number; delayMs: number } };
  /** the run's databases (service → URL) as the bench itself reads them: never through the delay proxy */
  databaseUrls: Record<string, string>;
  env: Record<ServiceName, Record<string, string>>;
  setPaymentLatency(latencyMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole system as separate processes (startSystem: private nats-server, fresh databases) on a
 * private PostgreSQL cluster by default, so that other test suites on the machine's server neither
 * share our WAL fsyncs nor our 100 connections (five services × a pool of 20 would take them all).
 */
export async function startBenchSystem(options: Pick<BenchOptions, "pg" | "pgDelayMs" | "env" | "profile" | "acceptanceOnly" | "pgStatements" | "source" | "ordersInstances" | "node">, label: string): Promise<BenchSystem> {
  if (!options.source) await buildServices(options.acceptanceOnly ? ["orders"] : undefined); // what production runs; a second or two
  const settings: Record<string, string> = options.pgStatements ? { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all" } : {};
  const cluster = options.pg === "private" ? await startPostgresCluster({ settings }) : undefined;
  const adminUrl = cluster?.adminUrl ?? PG_URL;
  const server = { host: new URL(adminUrl).hostname, port: Number(new URL(adminUrl).port || 5432) };
  const env = benchEnv(options.env, { profile: options.profile });
  // alone, orders still needs an inventory URL (product pages ask it for stock; checkout does not), and
  // no order is ever decided or finished: the open-orders bound would refuse everything after the first
  // 1,000, and the hot-SKU gate would let 128 orders of a SKU through every 5 s (ADR 0014)
  if (options.acceptanceOnly) env.orders = { INVENTORY_URL: "http://127.0.0.1:9", CHECKOUT_MAX_OPEN_ORDERS: "0", CHECKOUT_MAX_UNDECIDED_PER_SKU: "0", ...env.orders };
  let proxy: DelayProxy | undefined;
  let servicesUrl = adminUrl;
  let system: TestSystem | undefined;
  const orders: RunningProcess[] = [];
  try {
    if (options.pgDelayMs > 0) {
      proxy = await startDelayProxy({ target: server, delayMs: options.pgDelayMs });
      servicesUrl = onServer(adminUrl, { host: "127.0.0.1", port: proxy.port });
    }
    system = await startSystem({ label, env, pgAdminUrl: servicesUrl, built: !options.source, node: options.node, ...(options.acceptanceOnly ? { services: ["orders" as const] } : {}) });
    // the other instances of orders: the same settings on a port of their own, started one after the other
    // once the first has migrated the database and made the streams and buckets
    orders.push(system.services.orders);
    for (let n = 2; n <= options.ordersInstances; n++) {
      const port = await freePort();
      const instance = spawnService("orders", `http://127.0.0.1:${port}`, port, { ...system.services.orders.env, PORT: String(port) }, { built: !options.source, node: options.node });
      orders.push(instance);
      await instance.start();
    }
  } catch (error) {
    // a start that fails half-way takes down what it had started
    for (const instance of orders.slice(1)) await instance.kill();
    await system?.stop().catch(() => {});
    await proxy?.stop();
    await cluster?.stop();
    throw error;
  }
  const started = system;
  const urlsOf = (instance: RunningProcess) => ({ orders: instance.url, inventory: started.url("inventory"), stripe: started.url("stripe-sim") });
  const httpFetch = createHttpFetch();
  let shoppers = 0;
  return {
    system: started,
    shop: shopper(urlsOf(orders[0]!), { fetch: httpFetch }),
    newShopper: () => shopper(urlsOf(orders[shoppers++ % orders.length]!), { fetch: httpFetch }),
    orders,
    httpFetch,
    databaseUrls: Object.fromEntries(Object.entries(started.databases).map(([service, db]) => [service, onServer(db.url, server)])),
    pg: { kind: cluster ? "private" : "shared", adminUrl, port: server.port, servicesUrl, ...(proxy ? { proxy: { port: proxy.port, delayMs: options.pgDelayMs } } : {}) },
    env,
    async setPaymentLatency(latencyMs) {
      // the simulator's control API, not the shop's: POST /_sim/config
      const response = await fetch(`${started.url("stripe-sim")}/_sim/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ latencyMs }) });
      if (!response.ok) throw new Error(`stripe-sim refused latencyMs=${latencyMs}: ${response.status} ${await response.text()}`);
    },
    async stop() {
      httpFetch.close();
      try {
        for (const instance of orders.slice(1)) await instance.stop();
        await started.stop();
      } finally {
        await proxy?.stop();
        await cluster?.stop();
      }
    },
  };
}
