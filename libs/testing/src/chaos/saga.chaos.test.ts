import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgresJs from "postgres";
import { environment } from "@checkout/config";
import { shopper } from "../shop.ts";
import { startSystem, type TestSystem } from "../system.ts";
import { startPostgresCluster, type PostgresCluster } from "../postgres-cluster.ts";
import { waitFor } from "../wait.ts";
import { seededRandom } from "./random.ts";
import { PLENTY, SCARCE, planOrders, placeWithRetries } from "./load.ts";
import { startChaosMonkey } from "./chaos-monkey.ts";

// The whole system as processes on its own nats-server and its own PostgreSQL cluster, under a load of
// orders with every outcome, while services are SIGKILLed every few seconds, nats-server is restarted
// once and PostgreSQL crashes once. Then, once quiet, `checkout audit` must find no violation.
const env = environment();
const ORDERS = Number(env.CHAOS_ORDERS ?? 2_000);
const SEED = Number(env.CHAOS_SEED ?? Date.now() % 100_000);
const CONCURRENCY = Number(env.CHAOS_CONCURRENCY ?? 24);
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const say = (line: string) => console.log(`[chaos seed=${SEED}] ${line}`);

let postgres: PostgresCluster;
let system: TestSystem;

beforeAll(async () => {
  postgres = await startPostgresCluster();
  system = await startSystem({
    label: "chaos",
    pgAdminUrl: postgres.adminUrl,
    env: {
      shipping: { CARRIER_UNSERVED_COUNTRIES: "AQ,KP,IS" },
      orders: { RATE_LIMIT_PER_USER_PER_MINUTE: "0", RATE_LIMIT_PER_IP_PER_MINUTE: "0" },
    },
  });
}, 120_000);

afterAll(async () => {
  for (const [name, service] of Object.entries(system?.services ?? {})) {
    const tail = service.output().split("\n").filter((line) => /"level":"(error|fatal)"|Error/.test(line)).slice(-5);
    if (tail.length) console.log(`[chaos] last errors of ${name}:\n${tail.join("\n")}`);
  }
  await system?.stop();
  await postgres?.stop();
}, 120_000);

describe("chaos", () => {
  it(`${ORDERS} orders while services, nats-server and PostgreSQL die: the audit finds nothing wrong`, async () => {
    const random = seededRandom(SEED);
    const shop = shopper({ orders: system.url("orders"), inventory: system.url("inventory"), stripe: system.url("stripe-sim") });
    for (const sku of PLENTY) await shop.setStock(sku, 100_000);
    await shop.setStock(SCARCE, 60);

    const plan = planOrders(ORDERS, random);
    let placed = 0;
    const monkey = startChaosMonkey({ system, postgres, random, progress: () => placed / ORDERS, log: say });
    const started = Date.now();
    const orderIds: string[] = [];
    const queue = [...plan];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let order = queue.shift(); order; order = queue.shift()) {
          const orderId = await placeWithRetries(shop, order);
          orderIds.push(orderId);
          placed += 1;
          if (order.intent === "cancel") void shop.cancel(orderId).catch(() => {});
          if (placed % 250 === 0) say(`${placed}/${ORDERS} orders accepted`);
        }
      }),
    );
    const loadSeconds = (Date.now() - started) / 1000;
    const figures = await monkey.stop();

    const runAudit = () =>
      spawnSync(
        process.execPath,
        [
          "apps/cli/bin/checkout.js", "audit", "--settle-seconds", "0",
          "--server", system.nats.url,
          "--orders-db", system.databases.orders!.url,
          "--inventory-db", system.databases.inventory!.url,
          "--payments-db", system.databases.payments!.url,
          "--shipping-db", system.databases.shipping!.url,
          "--notifications-db", system.databases.notifications!.url,
          "--stripe-url", system.url("stripe-sim"),
        ],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { PATH: env.PATH ?? "" } },
      );
    const quietStarted = Date.now();
    let open: string[] = [];
    await waitFor(
      async () => {
        open = [];
        for (const orderId of orderIds) {
          const order = await shop.order(orderId).catch(() => ({ status: "?" }));
          if (order.status !== "COMPLETED" && order.status !== "CANCELLED") open.push(orderId);
        }
        say(`waiting for quiet: ${open.length} orders still open`);
        return open.length === 0;
      },
      { timeoutMs: 300_000, intervalMs: 3_000, what: "every order to be COMPLETED or CANCELLED" },
    ).catch(async (error: unknown) => {
      // what a replay needs: each open order as orders sees it, and the audit's view of every service
      for (const orderId of open.slice(0, 3)) {
        say(`still open: ${JSON.stringify(await shop.order(orderId).catch((e: Error) => e.message))}`);
        for (const [name, service] of Object.entries(system.services)) {
          const lines = service.output().split("\n").filter((line) => line.includes(orderId)).slice(-10);
          if (lines.length) say(`${name} about ${orderId}:\n${lines.join("\n")}`);
        }
      }
      // payments' own view of every open order: which step it is in, and whether its worker ever came back to it
      const payments = postgresJs(system.databases.payments!.url, { max: 1, onnotice: () => {} });
      try {
        const rows = await payments`
          SELECT order_id, status, attempts, next_attempt_at, lease_until, updated_at, last_error, now() AS now
          FROM payments WHERE order_id = ANY(${open.slice(0, 20)}::uuid[])`;
        say(`payments rows of the open orders: ${JSON.stringify(rows)}`);
      } catch (e) {
        say(`payments rows: ${(e as Error).message}`);
      } finally {
        await payments.end({ timeout: 1 });
      }
      // every service's whole log, for the post-mortem (CI prints only the tail of the run)
      const dir = join(env.CHAOS_LOG_DIR ?? tmpdir(), `checkout-chaos-${SEED}`);
      try {
        mkdirSync(dir, { recursive: true });
        for (const [name, service] of Object.entries(system.services)) writeFileSync(join(dir, `${name}.log`), service.output());
        say(`figures: ${JSON.stringify(monkey.figures)}; every service's log is in ${dir}`);
      } catch (e) {
        say(`figures: ${JSON.stringify(monkey.figures)}; the logs could not be written to ${dir}: ${(e as Error).message}`);
      }
      const audit = runAudit();
      say(`audit of the unsettled system, exit ${audit.status}:\n${audit.stdout.slice(0, 8_000)}${audit.stderr.slice(0, 2_000)}`);
      throw error;
    });

    const tally: Record<string, number> = {};
    for (const orderId of orderIds) {
      const { status, cancelReason } = await shop.order(orderId);
      const key = cancelReason ? `${status}(${cancelReason})` : status;
      tally[key] = (tally[key] ?? 0) + 1;
    }

    // quiet also means every mail sent: a mail worker killed mid-lease holds its mails for up to a minute
    let audit = runAudit();
    for (let tries = 1; audit.status !== 0 && tries < 12; tries++) {
      say(`audit not clean yet (exit ${audit.status}), waiting for the mail workers and retrying:\n${audit.stdout.slice(-1_500)}`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      audit = runAudit();
    }
    const quietSeconds = (Date.now() - quietStarted) / 1000;
    // log lines about a wait for a pool connection that gave up (libs/db, 30 s): PostgreSQL is back within
    // seconds of its crash, so each is a stall of a service, not the crash itself
    const poolWaitTimeoutLines: Record<string, number> = {};
    for (const [name, service] of Object.entries(system.services)) {
      const count = service.output().split("\n").filter((line) => line.includes("pool_wait_timed_out")).length;
      if (count > 0) poolWaitTimeoutLines[name] = count;
    }
    say(`figures: ${JSON.stringify({ orders: orderIds.length, outcomes: tally, loadSeconds, quietSeconds, ...figures, poolWaitTimeoutLines })}`);
    say(`audit exit ${audit.status}:\n${audit.stdout.slice(0, 6_000)}${audit.stderr.slice(0, 2_000)}`);
    expect(orderIds).toHaveLength(ORDERS);
    expect(Object.values(figures.kills).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
  }, 900_000);
});
