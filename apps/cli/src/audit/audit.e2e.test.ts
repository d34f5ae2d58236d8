import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { environment } from "@checkout/config";
import { Streams } from "@checkout/contracts";
import { jetstream } from "@nats-io/jetstream";
import { connectBus, shopper, startSystem, waitFor, type Bus, type TestSystem } from "@checkout/testing";
import type { AuditReport } from "./run.ts";

// The whole system as processes: a few orders go through (two completed, one declined, one out of
// stock, one refused at checkout by the sold-out hint that the out-of-stock one set off), then
// `checkout audit` must find every invariant kept; then invariants are broken on purpose, one at a
// time, and the audit must name each.

const BIN = fileURLToPath(new URL("../../bin/checkout.js", import.meta.url));
const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

let system: TestSystem;
let bus: Bus;
let shop: ReturnType<typeof shopper>;
const orderIds: Record<string, string> = {};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function audit(...args: string[]): Promise<Run> {
  const db = (name: string) => system.databases[name]!.url;
  const argv = [
    BIN, "audit",
    "--server", system.nats.url,
    "--orders-db", db("orders"),
    "--inventory-db", db("inventory"),
    "--payments-db", db("payments"),
    "--shipping-db", db("shipping"),
    "--notifications-db", db("notifications"),
    "--stripe-url", system.url("stripe-sim"),
    ...args,
  ];
  // the environment points nowhere: the flags must win
  const env = { ...environment(), NATS_URL: "nats://127.0.0.1:1", ORDERS_DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", STRIPE_SIM_URL: "http://127.0.0.1:1" };
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 99) : 0, stdout, stderr }));
  });
}

const sqlOf = (name: string) => postgres(system.databases[name]!.url, { max: 1, onnotice: () => {} });
async function query<T>(name: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = sqlOf(name);
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

/** ✓/✗ per check name, from the text output */
const marks = (stdout: string) => Object.fromEntries([...stdout.matchAll(/^([✓✗]) +\d+ +(\S+) /gm)].map((m) => [m[2]!, m[1]!]));

beforeAll(async () => {
  // a hint that outlives the test's waits, so the refused order is refused whatever the machine's pace
  system = await startSystem({ label: "audit", env: { orders: { CHECKOUT_SOLD_OUT_HINT_MS: "600000" } } });
  bus = await connectBus(system.nats.url);
  shop = shopper({ orders: system.url("orders"), inventory: system.url("inventory"), stripe: system.url("stripe-sim") });
  await shop.setStock("MUG-LOGO", 10);
  await shop.setStock("CAP-NAVY", 10);
  await shop.setStock("TOTE-CANVAS", 0);

  orderIds.completed = await shop.placeOrder([{ sku: "MUG-LOGO", qty: 2 }, { sku: "CAP-NAVY", qty: 1 }]);
  orderIds.completedToo = await shop.placeOrder([{ sku: "MUG-LOGO", qty: 1 }]);
  orderIds.declined = await shop.placeOrder([{ sku: "CAP-NAVY", qty: 1 }], { paymentMethod: "pm_card_chargeDeclined" });
  orderIds.outOfStock = await shop.placeOrder([{ sku: "TOTE-CANVAS", qty: 1 }]);
  const statuses = await Promise.all(Object.values(orderIds).map(async (id) => (await shop.waitForStatus(id)).status));
  expect(statuses).toEqual(["COMPLETED", "COMPLETED", "CANCELLED", "CANCELLED"]);
  // inventory found TOTE-CANVAS empty: the next order of it is refused at checkout, with no mail due
  const refused = await shop.checkout(await shop.cartWith([{ sku: "TOTE-CANVAS", qty: 1 }]));
  expect(refused.status).toBe(202);
  const refusal = (await refused.json()) as { orderId: string; status: string };
  expect(refusal.status).toBe("CANCELLED");
  orderIds.refused = refusal.orderId;

  // quiet: every consumer caught up, every mail sent (2 + 2 + 1 + 1; none for the refused order)
  await waitFor(
    async () => {
      for (const { name } of Object.values(Streams)) {
        for await (const consumer of bus.jsm.consumers.list(name)) if (consumer.num_pending > 0 || consumer.num_ack_pending > 0) return false;
      }
      const [{ sent }] = await query("notifications", (sql) => sql<[{ sent: number }]>`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent FROM outgoing_mail`);
      return sent === 6;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: "the system to be quiet" },
  );
}, 120_000);

afterAll(async () => {
  await bus?.close();
  await system?.stop();
});

describe("checkout audit", () => {
  it("finds every invariant kept after a run, and prints the figures", async () => {
    const run = await audit("--settle-seconds", "0");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(marks(run.stdout)).toEqual({ settled: "✓", stock: "✓", holds: "✓", money: "✓", mails: "✓", contracts: "✓", "dead-letters": "✓", shipments: "✓" });
    expect(run.stdout).toMatch(/^orders +5 \(CANCELLED 3, COMPLETED 2\); 0 in flight$/m);
    expect(run.stdout).toMatch(/^intents +3 \(requires_payment_method 1, succeeded 2\); captured USD [\d.,]+, refunded USD 0\.00$/m);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("8 checks: 8 ✓, 0 ✗");

    const json = await audit("--settle-seconds", "0", "--json");
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as AuditReport;
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.name, check.count])).toEqual([
      ["settled", 0], ["stock", 0], ["holds", 0], ["money", 0], ["mails", 0], ["contracts", 0], ["dead-letters", 0], ["shipments", 0],
    ]);
    expect(report.figures.orders.byStatus).toEqual({ CANCELLED: 3, COMPLETED: 2 });
    expect(report.figures.mails).toEqual({ cancelled: { sent: 2 }, confirmed: { sent: 2 }, shipped: { sent: 2 } });
    expect(report.figures.stock.reserved).toBe(0);
  }, 120_000);

  it("names a COMPLETED order whose total no longer matches what was captured", async () => {
    await query("orders", (sql) => sql`UPDATE orders SET pricing = jsonb_set(pricing, '{total}', '1') WHERE id = ${orderIds.completed!}`);
    const run = await audit("--settle-seconds", "0");
    expect(run.code).toBe(1);
    expect(marks(run.stdout)).toMatchObject({ money: "✗", stock: "✓", mails: "✓" });
    expect(run.stdout).toContain(`- order ${orderIds.completed} is COMPLETED for USD 0.01 but`);
    expect(run.stderr.trim()).toBe("checkout: 1 of 8 checks failed: money (1)");
  }, 120_000);

  it("names a mail delivered twice", async () => {
    await query("notifications", (sql) => sql`
      INSERT INTO mailbox (message_id, order_id, kind, from_address, to_address, subject, text_body)
      SELECT message_id || '.copy', order_id, kind, from_address, to_address, subject, text_body FROM mailbox
      WHERE order_id = ${orderIds.completedToo!} AND kind = 'shipped'`);
    const run = await audit("--settle-seconds", "0");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`- order ${orderIds.completedToo}: 2 shipped mails delivered to the mailbox`);
    expect(run.stderr.trim()).toBe("checkout: 2 of 8 checks failed: money (1), mails (1)");
  }, 120_000);

  it("names a garbage message in a stream, and the dead letters it caused", async () => {
    const garbageOrder = randomUUID();
    const { seq } = await jetstream(bus.nc).publish(`orders.placed.${garbageOrder}`, "{ this is not a CloudEvent", { msgID: `garbage-${garbageOrder}` });
    // inventory and payments both handle orders.placed: both give up on it
    await waitFor(async () => (await bus.jsm.streams.info("DLQ")).state.messages === 2, { what: "two dead letters" });
    const run = await audit("--settle-seconds", "0");
    expect(run.code).toBe(1);
    expect(marks(run.stdout)).toMatchObject({ contracts: "✗", "dead-letters": "✗", settled: "✓" });
    expect(run.stdout).toContain(`- ORDERS#${seq} orders.placed.${garbageOrder}: not JSON: `);
    expect(run.stdout).toMatch(/- 1× inventory-orders: invalid event: .* \(DLQ#\d\)/);
    expect(run.stdout).toMatch(/- 1× payments-orders: invalid event: .* \(DLQ#\d\)/);
    expect(run.stderr.trim()).toBe("checkout: 4 of 8 checks failed: money (1), mails (1), contracts (1), dead-letters (2)");
  }, 120_000);

  it("names an order that never settled, once it is older than --settle-seconds", async () => {
    const stuck = randomUUID();
    await query("orders", (sql) => sql`
      INSERT INTO orders (id, status, customer_email, lines, pricing, shipping_address, payment_method, created_at, updated_at)
      SELECT ${stuck}, 'PENDING', customer_email, lines, pricing, shipping_address, payment_method, now() - interval '2 minutes', now() - interval '2 minutes'
      FROM orders WHERE id = ${orderIds.completedToo!}`);
    const patient = await audit("--settle-seconds", "300", "--json");
    const report = JSON.parse(patient.stdout) as AuditReport;
    expect(report.checks[0]).toMatchObject({ name: "settled", ok: true, notes: ["1 order placed less than 300s ago still in flight"] });

    const run = await audit("--settle-seconds", "60");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`- order ${stuck} is still PENDING, placed 2m`);
    // (the other orders finished less than 60 s ago: in flight too, so the money cross-check leaves them out)
    expect(run.stderr.trim()).toMatch(/^checkout: \d of 8 checks failed: settled \(1\), /);
  }, 120_000);

  it("exits 2 naming a source it cannot read", async () => {
    const run = await audit("--payments-db", "postgres://postgres@127.0.0.1:5432/checkout_no_such_db");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^checkout: cannot read the payments database at postgres:\/\/postgres@127\.0\.0\.1:5432\/checkout_no_such_db: /);
  }, 60_000);
});
