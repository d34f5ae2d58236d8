import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Kvm } from "@nats-io/kv";
import { OrderCancelled, OrderConfirmed, PaymentFailed, sampleEnvelopes, type CloudEvent } from "@checkout/contracts";
import { adminHeaders, authHeaders, orderPlaced, refusedAtCheckout, rowsAbout, tokenFor, TEST_JWT_SECRET, useParticipant, waitFor, type ParticipantEnv } from "@checkout/testing";
import { connect } from "@checkout/db";
import { InventoryConfig } from "./config.ts";
import { startInventory } from "./service.ts";

const start = (env: ParticipantEnv & { DATABASE_POOL_MAX?: string }) => startInventory(InventoryConfig.parse({ ...env, RESERVATION_TTL_MS: "600000" }));
const t = useParticipant("inventory", start);

const stock = async (sku: string) => (await fetch(`${t.service.url}/api/stock/${sku}`)).json() as Promise<{ onHand: number; reserved: number; available: number }>;
const put = (sku: string, onHand: number, headers: Record<string, string>) =>
  fetch(`${t.service.url}/api/stock/${sku}`, { method: "PUT", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ onHand }) });
const setStock = async (sku: string, onHand: number) => put(sku, onHand, await adminHeaders());
const event = <T>(contract: { create(orderId: string, data: T): CloudEvent }, orderId: string, data: T) => contract.create(orderId, data);
/** waits until inventory answered every order, and counts the answers */
const answers = (orders: CloudEvent[], timeoutMs = 15_000) =>
  waitFor(async () => {
    let reserved = 0;
    let rejected = 0;
    for (const o of orders) {
      const events = await t.bus.eventsFor("INVENTORY", o.subject);
      reserved += events.get("InventoryReserved")?.count ?? 0;
      rejected += events.get("InventoryRejected")?.count ?? 0;
    }
    return reserved + rejected === orders.length ? { reserved, rejected } : undefined;
  }, { what: "an answer to every order", timeoutMs });
const settle = async () => {
  await t.bus.settled("ORDERS", "inventory-orders");
  await t.bus.settled("PAYMENTS", "inventory-payments");
};

/**
 * Runs `fn` with the stock table's "reserved ≤ on hand" CHECK dropped: the decisions alone must then
 * sell no unit twice. (With it, a decision that saw too many units would fail its write, and the batch,
 * split around it, would hide the mistake.)
 */
async function withoutOversellCheck(fn: () => Promise<void>) {
  const sql = connect(t.db.url, { max: 1 });
  try {
    const [check] = await sql<Array<{ name: string }>>`SELECT conname AS name FROM pg_constraint WHERE conrelid = 'stock'::regclass AND pg_get_constraintdef(oid) LIKE 'CHECK ((reserved <= on_hand))%'`;
    await sql`ALTER TABLE stock DROP CONSTRAINT ${sql(check!.name)}`;
    try {
      await fn();
    } finally {
      // NOT VALID: a row an oversell left behind must not turn the test's own failure into this one
      await sql`ALTER TABLE stock ADD CONSTRAINT ${sql(check!.name)} CHECK (reserved <= on_hand) NOT VALID`;
    }
  } finally {
    await sql.end();
  }
}

describe("inventory reacts to OrderPlaced", () => {
  it("given stock, reserves every line once, and a redelivery changes nothing", async () => {
    await setStock("SHIRT-A", 5);
    await setStock("SHIRT-B", 3);
    const placed = orderPlaced({ lines: [{ sku: "SHIRT-A", qty: 2 }, { sku: "SHIRT-B", qty: 1 }] });
    await t.bus.publish(placed);
    const reserved = await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryReserved");
    expect(reserved.data).toMatchObject({ orderId: placed.subject, lines: [{ sku: "SHIRT-A", qty: 2 }, { sku: "SHIRT-B", qty: 1 }] });
    expect(reserved.causationid).toBe(placed.id);
    expect(await stock("SHIRT-A")).toMatchObject({ onHand: 5, reserved: 2, available: 3 });

    await t.bus.publish(placed, { msgID: `${placed.id}-again` });
    await settle();
    expect((await t.bus.eventsFor("INVENTORY", placed.subject)).get("InventoryReserved")?.count).toBe(1);
    expect(await stock("SHIRT-A")).toMatchObject({ reserved: 2 });

    const holds = await new Kvm(t.bus.nc).open("reservations");
    const hold = await holds.get(placed.subject);
    expect(hold?.json()).toMatchObject({ lines: [{ sku: "SHIRT-A", qty: 2 }, { sku: "SHIRT-B", qty: 1 }] });
  });

  it("refuses the whole order when one line is short, naming it, and holds nothing", async () => {
    await setStock("SHORT-A", 10);
    await setStock("SHORT-B", 1);
    const placed = orderPlaced({ lines: [{ sku: "SHORT-A", qty: 1 }, { sku: "SHORT-B", qty: 2 }] });
    await t.bus.publish(placed);
    const rejected = await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryRejected");
    expect(rejected.data).toEqual({ orderId: placed.subject, reason: "out_of_stock", lines: [{ sku: "SHORT-B", requested: 2, available: 1, problem: "out_of_stock" }] });
    expect(await stock("SHORT-A")).toMatchObject({ reserved: 0, available: 10 });
  });

  it("refuses an unknown SKU", async () => {
    const placed = orderPlaced({ lines: [{ sku: "NO-SUCH-SKU", qty: 1 }] });
    await t.bus.publish(placed);
    const rejected = await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryRejected");
    expect(rejected.data).toMatchObject({ reason: "unknown_sku", lines: [{ sku: "NO-SUCH-SKU", problem: "unknown_sku" }] });
  });

  it("50 concurrent orders for the last 5 units: exactly 5 reservations", async () => {
    await setStock("LAST-FIVE", 5);
    const orders = Array.from({ length: 50 }, () => orderPlaced({ lines: [{ sku: "LAST-FIVE", qty: 1 }] }));
    await Promise.all(orders.map((o) => t.bus.publish(o)));
    const outcome = await answers(orders);
    expect(outcome).toEqual({ reserved: 5, rejected: 45 });
    expect(await stock("LAST-FIVE")).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
  });
});

describe("inventory handles a backlog in batches", () => {
  // the backlog is published while inventory is down, so that it arrives in large batches, whose
  // handlers run side by side in one transaction: reservations of one SKU must still see each other
  // Two rounds: the first waits while inventory is down; the second is published at once to the same
  // process, whose two connections are warm by then: postgres.js pipelines a statement only once it is
  // prepared on the connection, so only then do the handlers of a batch really run side by side.
  it("200 orders for the last 5 units in a backlog, then in a burst: exactly 5 reservations each time", async () => {
    await withoutOversellCheck(async () => {
      for (const round of [1, 2]) {
        const [few, many] = [`BACKLOG-FIVE-${round}`, `BACKLOG-MANY-${round}`];
        await setStock(few, 5);
        await setStock(many, 1_000);
        if (round === 1) await t.service.stop();
        const orders = Array.from({ length: 200 }, (_, i) => orderPlaced({ lines: [{ sku: i % 2 ? few : many, qty: 1 }, { sku: many, qty: 1 }] }));
        await Promise.all(orders.map((o) => t.bus.publish(o)));
        if (round === 1) t.service = await start({ ...t.env, DATABASE_POOL_MAX: "2" });
        const outcome = await answers(orders, 30_000);
        expect(outcome).toEqual({ reserved: 105, rejected: 95 }); // the 100 for `many` alone (2 units each), and 5 of the others
        expect(await stock(few)).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
        expect(await stock(many)).toMatchObject({ onHand: 1_000, reserved: 205, available: 795 }); // 2 per even order, 1 per odd one reserved
      }
    });
  });

  it("one batch for one SKU: a release, orders it already knows, a confirmation after expiry and new orders take every unit once", async () => {
    const sku = "MIXED-ONE";
    // a batch handles its orders sorted by id: these come first, in this order, before the new ones
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    await setStock(sku, 10);
    // an order whose hold expired before its confirmation arrives (as the expiry sweeper leaves it)
    const late = orderPlaced({ orderId: id(4), lines: [{ sku, qty: 2 }] });
    await t.bus.publish(late);
    await t.bus.waitForEvent("INVENTORY", late.subject, "InventoryReserved");
    const sql = connect(t.db.url, { max: 1 });
    try {
      await sql.begin(async (tx) => {
        await tx`UPDATE reservations SET status = 'released', release_reason = 'expired' WHERE order_id = ${late.subject}`;
        await tx`UPDATE stock SET reserved = reserved - 2 WHERE sku = ${sku}`;
      });
    } finally {
      await sql.end();
    }
    // an order holding a unit, cancelled in the batch: the new orders after it may take that unit
    const held = orderPlaced({ orderId: id(0), lines: [{ sku, qty: 1 }] });
    await t.bus.publish(held);
    await t.bus.waitForEvent("INVENTORY", held.subject, "InventoryReserved");
    // orders cancelled before they were placed (tombstones): the first of them is the first to ask for the SKU, and reads nothing
    const known = [1, 2, 3].map((n) => orderPlaced({ orderId: id(n), lines: [{ sku, qty: 1 }] }));
    for (const placed of known) await t.bus.publish(event(OrderCancelled, placed.subject, { orderId: placed.subject, reason: "customer_request", customer: { email: "ada@example.com" } }));
    await settle();
    expect(await stock(sku)).toMatchObject({ onHand: 10, reserved: 1, available: 9 });

    await t.service.stop();
    const cancel = event(OrderCancelled, held.subject, { orderId: held.subject, reason: "customer_request", customer: { email: "ada@example.com" } });
    const sample = sampleEnvelopes(OrderConfirmed, late.subject)[0]!;
    const confirmation = OrderConfirmed.parse({ ...sample, id: randomUUID(), data: { ...(sample.data as object), orderId: late.subject, lines: [{ sku, qty: 2 }] } });
    const fresh = Array.from({ length: 12 }, () => orderPlaced({ lines: [{ sku, qty: 1 }] }));
    for (const e of [...fresh.slice(0, 6), confirmation, ...known, cancel, ...fresh.slice(6)]) await t.bus.publish(e);
    let outcome = { reserved: 0, rejected: 0 };
    let lateTook = 0;
    await withoutOversellCheck(async () => {
      t.service = await start({ ...t.env, DATABASE_POOL_MAX: "2" });
      outcome = await answers(fresh);
      await t.bus.waitForEvent("INVENTORY", held.subject, "InventoryReleased");
      const answered = await waitFor(async () => {
        const events = await t.bus.eventsFor("INVENTORY", late.subject);
        return events.has("InventoryCommitted") || events.has("InventoryRejected") ? events : undefined;
      }, { what: "the confirmation's answer" });
      lateTook = answered.has("InventoryCommitted") ? 2 : 0;
    });
    // no unit twice, whatever the batches: the row holds what the answers say
    expect(outcome.reserved + lateTook).toBeLessThanOrEqual(10);
    expect(await stock(sku)).toMatchObject({ onHand: 10 - lateTook, reserved: outcome.reserved, available: 10 - lateTook - outcome.reserved });
    for (const placed of known) expect((await t.bus.eventsFor("INVENTORY", placed.subject)).has("InventoryReserved")).toBe(false);
    // in the one batch the backlog almost always makes (in the order above): 2 units to the
    // confirmation, 8 to new orders (the released one among them), none left. Over two batches a new
    // order may read the row before the release is written, and leave a unit unsold
    const metrics = await (await fetch(`${t.service.url}/metrics`)).text();
    const batches = Number(/consumer_batch_messages_count\{[^}]*consumer="inventory-orders"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    if (batches === 1) {
      expect(lateTook).toBe(2);
      expect(outcome).toEqual({ reserved: 8, rejected: 4 });
    }
  });
});

describe("inventory compensates and commits", () => {
  it("releases the hold when the payment fails", async () => {
    await setStock("REL-A", 4);
    const placed = orderPlaced({ lines: [{ sku: "REL-A", qty: 3 }] });
    await t.bus.publish(placed);
    const reserved = await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryReserved");
    await t.bus.publish(event(PaymentFailed, placed.subject, { orderId: placed.subject, reason: "declined", declineCode: "generic_decline", message: "declined" }));
    const released = await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryReleased");
    expect(released.data).toMatchObject({ reservationId: (reserved.data as { reservationId: string }).reservationId, reason: "payment_failed", from: "reserved", lines: [{ sku: "REL-A", qty: 3 }] });
    expect(await stock("REL-A")).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    await t.bus.settled("INVENTORY", "inventory-inventory");
    const holds = await new Kvm(t.bus.nc).open("reservations");
    expect((await holds.get(placed.subject))?.operation ?? "DEL").toBe("DEL");
  });

  it("commits the hold when the order is confirmed: the units leave the shelf", async () => {
    await setStock("COM-A", 4);
    const placed = orderPlaced({ lines: [{ sku: "COM-A", qty: 3 }] });
    await t.bus.publish(placed);
    await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryReserved");
    const confirmed = sampleEnvelopes(OrderConfirmed, placed.subject)[0]!;
    await t.bus.publish(OrderConfirmed.parse({ ...confirmed, id: randomUUID() }));
    await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryCommitted");
    expect(await stock("COM-A")).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it("a cancellation seen before the order reserves nothing when the order arrives", async () => {
    await setStock("TOMB-A", 2);
    const placed = orderPlaced({ lines: [{ sku: "TOMB-A", qty: 1 }] });
    await t.bus.publish(event(OrderCancelled, placed.subject, { orderId: placed.subject, reason: "customer_request", customer: { email: "ada@example.com" } }));
    await settle();
    await t.bus.publish(placed);
    await settle();
    expect((await t.bus.eventsFor("INVENTORY", placed.subject)).size).toBe(0);
    expect(await stock("TOMB-A")).toMatchObject({ reserved: 0, available: 2 });
  });

  it("an order it already knows takes no stock lock: it is handled while another transaction holds its SKU's row", async () => {
    await setStock("TOMB-L", 2);
    const placed = orderPlaced({ lines: [{ sku: "TOMB-L", qty: 1 }] });
    await t.bus.publish(event(OrderCancelled, placed.subject, { orderId: placed.subject, reason: "customer_request", customer: { email: "ada@example.com" } }));
    await settle();
    const sql = connect(t.db.url, { max: 2 });
    const holder = await sql.reserve();
    try {
      await holder`BEGIN`;
      await holder`SELECT 1 FROM stock WHERE sku = 'TOMB-L' FOR UPDATE`;
      await t.bus.publish(placed);
      await waitFor(async () => (await sql`SELECT 1 FROM inbox WHERE event_id = ${placed.id}`).length === 1, { timeoutMs: 5_000, what: "the OrderPlaced handled while the stock row is locked" });
    } finally {
      await holder`ROLLBACK`;
      holder.release();
      await sql.end();
    }
    expect((await t.bus.eventsFor("INVENTORY", placed.subject)).size).toBe(0);
    expect(await stock("TOMB-L")).toMatchObject({ reserved: 0, available: 2 });
  });

  it("an order checkout refused (OrderRefused, or OrderCancelled with placed: false) leaves no trace: nothing held, and no OrderPlaced to guard against", async () => {
    const refusals = refusedAtCheckout();
    const orderId = randomUUID(); // an ordinary cancellation that overtakes its order: a tombstone
    const overtaking = event(OrderCancelled, orderId, { orderId, reason: "customer_request", customer: { email: "ada@example.com" } });
    for (const refused of refusals) await t.bus.publish(refused);
    await t.bus.publish(overtaking);
    await settle();
    for (const refused of refusals) {
      expect(await rowsAbout(t.db.url, refused.subject, [refused.id])).toEqual({});
      expect((await t.bus.eventsFor("INVENTORY", refused.subject)).size).toBe(0);
    }
    expect(await rowsAbout(t.db.url, overtaking.subject, [overtaking.id])).toEqual({ reservations: 1, inbox: 1 });
  });

  it("orders cancelled at the moment they are placed end with nothing held, whichever is handled first", async () => {
    await setStock("RACE-A", 100);
    const orders = Array.from({ length: 40 }, () => orderPlaced({ lines: [{ sku: "RACE-A", qty: 1 }] }));
    const cancels = orders.map((placed) => event(OrderCancelled, placed.subject, { orderId: placed.subject, reason: "customer_request", customer: { email: "ada@example.com" } }));
    await Promise.all(orders.flatMap((placed, i) => [t.bus.publish(placed), t.bus.publish(cancels[i]!)]));
    await settle();
    // either the cancellation came first (a tombstone: nothing reserved) or the hold was given back; the
    // relay publishes what the handlers committed a moment later
    const unbalanced = async () => {
      const left: string[] = [];
      for (const placed of orders) {
        const events = await t.bus.eventsFor("INVENTORY", placed.subject);
        if ((events.get("InventoryReserved")?.count ?? 0) !== (events.get("InventoryReleased")?.count ?? 0)) left.push(placed.subject);
      }
      return left;
    };
    await waitFor(async () => (await unbalanced()).length === 0, { what: "a release for every reservation", timeoutMs: 10_000 }).catch(() => {});
    expect(await unbalanced()).toEqual([]);
    expect(await stock("RACE-A")).toMatchObject({ onHand: 100, reserved: 0, available: 100 });
    const holds = await new Kvm(t.bus.nc).open("reservations");
    for (const placed of orders) expect((await holds.get(placed.subject))?.operation ?? "DEL").toBe("DEL");
  });
});

describe("inventory admin API", () => {
  it("refuses to set on-hand below what is reserved, and bad input names the field", async () => {
    await setStock("ADM-A", 3);
    const placed = orderPlaced({ lines: [{ sku: "ADM-A", qty: 2 }] });
    await t.bus.publish(placed);
    await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryReserved");
    const below = await setStock("ADM-A", 1);
    expect(below.status).toBe(409);
    const negative = await setStock("ADM-A", -1);
    expect(negative.status).toBe(400);
    expect(negative.headers.get("content-type")).toContain("application/problem+json");
    expect(((await negative.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe("onHand");
    expect(await stock("ADM-A")).toMatchObject({ onHand: 3, reserved: 2 });
  });

  it("sets stock for an admin only: 401 without a valid token, 403 for a shopper; reading stays public", async () => {
    expect((await setStock("ADM-B", 5)).status).toBe(200);

    const anonymous = await put("ADM-B", 50, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
    expect(await anonymous.json()).toMatchObject({ status: 401, errors: [{ field: "Authorization" }] });

    const forged = await put("ADM-B", 50, { authorization: `Bearer ${await tokenFor("test-admin", { role: "admin", secret: "x".repeat(32) })}` });
    expect(forged.status).toBe(401);

    const shopper = await put("ADM-B", 50, await authHeaders("alice"));
    expect(shopper.status).toBe(403);
    expect(await shopper.json()).toMatchObject({ status: 403, code: "forbidden" });

    expect(await stock("ADM-B")).toMatchObject({ onHand: 5 });
    expect((await fetch(`${t.service.url}/api/stock`)).status).toBe(200);
    expect(t.env.AUTH_JWT_SECRET).toBe(TEST_JWT_SECRET);
  });

  it("keeps /admin/* for admins", async () => {
    expect((await fetch(`${t.service.url}/admin/anything`)).status).toBe(401);
    expect((await fetch(`${t.service.url}/admin/anything`, { headers: await authHeaders("alice") })).status).toBe(403);
    expect((await fetch(`${t.service.url}/admin/anything`, { headers: await adminHeaders() })).status).toBe(404); // let in; no such route
  });
});

describe("contract", () => {
  it("everything inventory published parses against contracts/", async () => {
    const events = await t.bus.parseAll("INVENTORY");
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e) => e.source === "/checkout/inventory")).toBe(true);
    const dlq = await t.bus.jsm.streams.info("DLQ");
    expect(dlq.state.messages).toBe(0);
  });
});
