import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { CheckoutAccepted, InventoryRejected, InventoryReleased, OrderRefused } from "@checkout/contracts";
import { waitFor } from "@checkout/testing";
import { ADDRESS, RECHECK_TIMEOUT_MS, startHarness, type Harness } from "./test-harness.ts";
import { idempotencyKvKey } from "./request-hash.ts";

// The sold-out hint on a real nats-server and PostgreSQL: inventory's rejections and releases, as
// published on the bus, decide whether checkout sends an order through the saga or refuses it at once.

const HINT_MS = 1_500;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ soldOutHintMs: HINT_MS });
});
afterAll(() => h?.close());

const checkout = async (items: Record<string, number>) => {
  const cartId = await h.cartWith(items);
  const response = await h.call("POST", "/api/checkout", { cartId, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS }, { "Idempotency-Key": randomUUID() });
  expect(response.status).toBe(202);
  return CheckoutAccepted.parse(await response.json());
};
const outboxOf = (orderId: string) => h.sql<{ subject: string; payload: string }[]>`SELECT subject, payload FROM outbox WHERE subject LIKE ${`%.${orderId}`}`;

/** what inventory publishes when it rejects an order, here for `sku` with `available` left (decided `agoMs` ago) */
async function inventoryRejects(sku: string, available: number, agoMs = 0) {
  const orderId = randomUUID();
  const event = InventoryRejected.create(orderId, { orderId, reason: "out_of_stock", lines: [{ sku, requested: available + 1, available, problem: "out_of_stock" }] }, { time: new Date(Date.now() - agoMs) });
  h.nc.publish(InventoryRejected.subject(orderId), JSON.stringify(event));
  await h.nc.flush();
}

/** checks out `items` until checkout answers with `status` (the hint travels over NATS) */
const untilAnswered = (items: Record<string, number>, status: "PENDING" | "CANCELLED") =>
  waitFor(async () => {
    const accepted = await checkout(items);
    return accepted.status === status ? accepted : undefined;
  }, { what: `a checkout answered ${status}`, timeoutMs: 5_000 });

describe("checkout with the sold-out hint", () => {
  it("refuses an order of a SKU inventory found empty at once: CANCELLED(out_of_stock), an OrderRefused (its own subject) and no OrderPlaced", async () => {
    expect((await checkout({ "MUG-LOGO": 1 })).status).toBe("PENDING");
    await inventoryRejects("MUG-LOGO", 0);

    const refused = await untilAnswered({ "MUG-LOGO": 1, "CAP-NAVY": 1 }, "CANCELLED");
    expect(refused).toMatchObject({ status: "CANCELLED", cancelReason: "out_of_stock", cancelDetail: "MUG-LOGO: sold out (refused at checkout)" });

    const view = await (await h.call("GET", `/api/orders/${refused.orderId}`)).json();
    expect(view).toMatchObject({ status: "CANCELLED", cancelReason: "out_of_stock", cancelDetail: "MUG-LOGO: sold out (refused at checkout)" });
    const [row] = await h.sql`SELECT status, cancel_reason FROM orders WHERE id = ${refused.orderId}`;
    expect(row).toEqual({ status: "CANCELLED", cancel_reason: "out_of_stock" });
    const history = await h.sql`SELECT status, cancel_reason FROM order_status_history WHERE order_id = ${refused.orderId}`;
    expect(history).toEqual([{ status: "CANCELLED", cancel_reason: "out_of_stock" }]);

    const outbox = await outboxOf(refused.orderId);
    expect(outbox.map((row) => row.subject)).toEqual([`orders.refused.${refused.orderId}`]);
    const refusal = OrderRefused.parse(JSON.parse(outbox[0]!.payload));
    expect(refusal.data).toEqual({ orderId: refused.orderId, reason: "out_of_stock", detail: "MUG-LOGO: sold out (refused at checkout)", soldOut: ["MUG-LOGO"], customer: { userId: h.user, email: "ada@example.com" } });
    const timeline = await h.sql`SELECT type, source, detail FROM order_timeline WHERE order_id = ${refused.orderId}`;
    expect(timeline).toEqual([{ type: "OrderRefused", source: "orders", detail: { status: "CANCELLED", reason: "out_of_stock", soldOut: ["MUG-LOGO"] } }]);

    // another SKU still goes through the saga
    const other = await checkout({ "CAP-NAVY": 1 });
    expect(other.status).toBe("PENDING");
    expect((await outboxOf(other.orderId)).map((row) => row.subject)).toEqual([`orders.placed.${other.orderId}`]);
  });

  it("answers the same refusal again for the same Idempotency-Key, also once its KV record is gone (a crash before it was stored)", async () => {
    await inventoryRejects("HOODIE-GRY-L", 0);
    const first = await untilAnswered({ "HOODIE-GRY-L": 1 }, "CANCELLED");
    const [row] = await h.sql<{ cart_id: string; idempotency_key: string }[]>`SELECT cart_id, idempotency_key FROM orders WHERE id = ${first.orderId}`;
    await h.kv.purge(idempotencyKvKey("checkout", h.user, row!.idempotency_key));

    const body = { cartId: row!.cart_id, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS };
    const again = await h.call("POST", "/api/checkout", body, { "Idempotency-Key": row!.idempotency_key });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(first);
    expect(Number((await h.sql`SELECT count(*) AS n FROM orders WHERE idempotency_key = ${row!.idempotency_key}`)[0]!.n)).toBe(1);
  });

  it("learns nothing from a rejection that left some stock, and forgets a SKU once a unit of it is released", async () => {
    await inventoryRejects("TSHIRT-RED-M", 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await checkout({ "TSHIRT-RED-M": 1 })).status).toBe("PENDING");

    await inventoryRejects("TSHIRT-RED-M", 0);
    await untilAnswered({ "TSHIRT-RED-M": 1 }, "CANCELLED");
    const orderId = randomUUID();
    const released = InventoryReleased.create(orderId, { orderId, reservationId: `res-${orderId}`, lines: [{ sku: "TSHIRT-RED-M", qty: 1 }], reason: "payment_failed", from: "reserved" });
    h.nc.publish(InventoryReleased.subject(orderId), JSON.stringify(released));
    await untilAnswered({ "TSHIRT-RED-M": 1 }, "PENDING");
  });

  it("after the hint's TTL asks inventory's stock API: keeps refusing while it says 0 available, and lets orders through once it has units (a restock says nothing on the bus)", async () => {
    h.stock.levels.set("CAP-NAVY", 0);
    await inventoryRejects("CAP-NAVY", 0);
    await untilAnswered({ "CAP-NAVY": 1 }, "CANCELLED");
    const asked = h.stock.answered;
    await new Promise((resolve) => setTimeout(resolve, HINT_MS)); // past the TTL, with no rejection since
    expect((await checkout({ "CAP-NAVY": 1 })).status).toBe("CANCELLED"); // refused while it asks
    await waitFor(async () => (h.stock.answered > asked ? true : undefined), { what: "the stock API asked", timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await checkout({ "CAP-NAVY": 1 })).status).toBe("CANCELLED"); // renewed by the answer

    h.stock.levels.set("CAP-NAVY", 40);
    await untilAnswered({ "CAP-NAVY": 1 }, "PENDING");
  });

  it("after the hint's TTL lets orders through when the stock API cannot say: too slow, or a 404 (a wrong INVENTORY_URL)", async () => {
    for (const [sku, failure] of [["SOCKS-STRIPE", "slow"], ["STICKER-PACK", "404"]] as const) {
      if (failure === "404") h.stock.levels.delete(sku);
      else h.stock.levels.set(sku, 0);
      await inventoryRejects(sku, 0);
      await untilAnswered({ [sku]: 1 }, "CANCELLED");
      h.stock.delayMs = failure === "slow" ? RECHECK_TIMEOUT_MS + 1_000 : 0;
      try {
        await new Promise((resolve) => setTimeout(resolve, HINT_MS));
        expect((await checkout({ [sku]: 1 })).status).toBe("CANCELLED"); // refused while it asks
        await untilAnswered({ [sku]: 1 }, "PENDING");
      } finally {
        h.stock.delayMs = 0;
      }
    }
  });

  it("ignores a rejection older than the hint's TTL (published late, or a dead letter replayed)", async () => {
    await inventoryRejects("HOODIE-GRY-M", 0, HINT_MS + 1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await checkout({ "HOODIE-GRY-M": 1 })).status).toBe("PENDING");
  });

  it("ignores a message on those subjects that does not parse", async () => {
    h.nc.publish(InventoryRejected.subject(randomUUID()), "not json");
    h.nc.publish(InventoryRejected.subject(randomUUID()), JSON.stringify({ data: { lines: [{ sku: "MUG-LOGO" }] } }));
    await h.nc.flush();
    expect((await checkout({ "BOTTLE-STEEL": 1 })).status).toBe("PENDING");
  });
});
