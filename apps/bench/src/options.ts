import type { ArrivalProcess } from "./load/schedule.ts";
import type { ServiceName } from "@checkout/testing";

export const SCENARIOS = ["steady", "flash-sale", "mixed", "ramp", "soak"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Everything a run is told; main.ts fills it from the command line, tests build it directly. */
export interface BenchOptions {
  scenario: Scenario;
  /** arrivals per second (steady, mixed); the top of the ramp */
  rate: number;
  /** ramp: the first step's rate, and how many steps */
  rateFrom: number;
  steps: number;
  durationS: number;
  arrivals: ArrivalProcess;
  /** flash-sale: buyers (one checkout each), units on sale, buyers in flight at once (closed loop) */
  buyers: number;
  units: number;
  concurrency: number;
  /** shoppers (users with a token each) the orders are spread over, round robin; 0: one per order up to 10,000 */
  users: number;
  /** steady/mixed/ramp: how many catalog SKUs the orders spread over */
  skus: number;
  /** mixed: shares of declined cards, addresses the carrier does not serve, and shopper cancellations */
  declineRate: number;
  unservedRate: number;
  cancelRate: number;
  /** mixed: a cancellation is sent 0..cancelDelayMs after the 202 */
  cancelDelayMs: number;
  paymentLatencyMs: number;
  /** open loop: requests in flight above this wait (their latency still counts from their scheduled time) */
  maxInFlight: number;
  /**
   * a checkout answered 503 is pressed again (same Idempotency-Key) after its Retry-After, at most this
   * many times, as a shopper would; its latency still counts from the first press. 0: a 503 is final
   */
  retries: number;
  /**
   * flash-sale: before the clock, a sale of another SKU (WARM_UP_SKU, one unit per hundred buyers) to this
   * many buyers at the sale's concurrency, and the system is left to settle: the sale then meets services
   * that have run its code paths, as a shop's have before its sale (V8 has optimized them, the
   * statements are prepared), instead of processes started seconds before it. 0: none
   */
  warmBuyers: number;
  /**
   * start only the orders service and measure acceptance alone (no saga, no audit): the checkout path's
   * capacity when the rest of the system is not competing for the same cores
   */
  acceptanceOnly: boolean;
  /**
   * run the services' TypeScript through tsx, as the tests do, instead of the bundles of `npm run build`
   * (built before the run), which the production image runs
   */
  source: boolean;
  /**
   * the Node binary that runs the services' bundles, when not the bench's own: the production image's
   * Node 24 (scripts/ensure-node-24.sh puts one at .cache/node-24/bin/node) on a machine of Node 20
   */
  node?: string | undefined;
  /** soak: seconds between two looks at rows, streams, buckets and backlogs, and the start of the load left out of the judgement */
  probeEveryS: number;
  warmupS: number;
  /** after the load: how long to wait for every accepted order to finish */
  settleTimeoutS: number;
  baseline: boolean;
  /** baseline: connection pool of the naive service (the saga services use 20 each) */
  baselinePool: number;
  raw: boolean;
  rawMessages: number;
  rawWindow: number;
  rawPgSeconds: number;
  rawPgConnections: number;
  /** `private`: a PostgreSQL cluster of our own for the run; `shared`: the machine's server (TEST_PG_URL) */
  pg: "private" | "shared";
  /**
   * a delay added in each direction between the services and PostgreSQL (a proxy, system/delay-proxy.ts),
   * as if the database were on another host: a round trip takes twice this longer. 0: none
   */
  pgDelayMs: number;
  /**
   * processes of the orders service (deploy/k8s runs two replicas of each service): the generator spreads
   * its shoppers over them, as a load balancer would, and every other service stays one process
   */
  ordersInstances: number;
  /** env given to the services on top of the bench's defaults (--env payments.PAYMENT_WORKER_BATCH=32) */
  env: Partial<Record<ServiceName, Record<string, string>>>;
  out: string;
  /** write a V8 CPU profile of each service into this directory (profile/cpu-profiler.mjs) */
  profile: string | undefined;
  /** private PostgreSQL only: record the most expensive statements (pg_stat_statements) beside the result */
  pgStatements: boolean;
  seed: number;
  chart: boolean;
  /** written into the result and the file name, to tell runs apart */
  tag: string | undefined;
  /** progress on stderr */
  progress: boolean;
}

export const DEFAULTS: Omit<BenchOptions, "scenario"> = {
  rate: 200,
  rateFrom: 50,
  steps: 6,
  durationS: 20,
  arrivals: "uniform",
  buyers: 10_000,
  units: 100,
  concurrency: 1_000,
  users: 0,
  skus: 13,
  declineRate: 0.1,
  unservedRate: 0.1,
  cancelRate: 0.1,
  cancelDelayMs: 500,
  paymentLatencyMs: 300,
  maxInFlight: 4_000,
  retries: 0,
  warmBuyers: 0,
  acceptanceOnly: false,
  source: false,
  probeEveryS: 30,
  warmupS: 60,
  settleTimeoutS: 180,
  baseline: false,
  baselinePool: 20,
  raw: true,
  rawMessages: 50_000,
  rawWindow: 512,
  rawPgSeconds: 5,
  rawPgConnections: 16,
  pg: "private",
  pgDelayMs: 0,
  ordersInstances: 1,
  env: {},
  out: "bench-results",
  profile: undefined,
  pgStatements: false,
  seed: 1,
  chart: false,
  tag: undefined,
  progress: true,
};

/** `payments.PAYMENT_WORKER_BATCH=32` → { payments: { PAYMENT_WORKER_BATCH: "32" } } */
export function parseEnvOverride(spec: string, into: BenchOptions["env"] = {}): BenchOptions["env"] {
  const match = /^([a-z-]+)\.([A-Z][A-Z0-9_]*)=(.*)$/.exec(spec);
  if (!match) throw new Error(`--env ${spec}: expected <service>.<VARIABLE>=<value>, e.g. payments.PAYMENT_WORKER_BATCH=32`);
  const [, service, name, value] = match as unknown as [string, ServiceName, string, string];
  return { ...into, [service]: { ...into[service], [name]: value } };
}

/** The processes of `services` as the tables name them: orders-2, orders-3, … after orders with --orders-instances. */
export const processesOf = (services: readonly string[], ordersInstances: number): string[] =>
  services.flatMap((name) => (name === "orders" ? ["orders", ...Array.from({ length: ordersInstances - 1 }, (_, i) => `orders-${i + 2}`)] : [name]));
