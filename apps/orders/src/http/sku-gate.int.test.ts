import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { CheckoutAccepted, InventoryRejected, InventoryReserved } from "@checkout/contracts";
import { within } from "@checkout/testing";
import { ADDRESS, problemOf, startHarness, type Harness } from "./test-harness.ts";

// The hot-SKU gate (ADR 0014) on a real nats-server and PostgreSQL: inventory's decisions, as published
// on the bus, let the checkouts that wait for a SKU go on. One undecided order per SKU here, and one
// checkout in progress at a time: a checkout waiting at the gate gives its slot to the next.

const MAX_WAIT_MS = 1_500;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    soldOutHintMs: 5_000,
    admission: { maxInFlight: 1, maxWaiting: 8, maxWaitMs: MAX_WAIT_MS, maxOpenOrders: 0 },
    skuGate: { maxPerSku: 1, maxWaiting: 4, maxWaitMs: MAX_WAIT_MS },
  });
});
afterAll(() => h?.close());

const body = (cartId: string) => ({ cartId, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS });
/** a checkout of a new cart holding one of `sku`, not awaited */
const startCheckout = async (sku: string, idempotencyKey = randomUUID()) => {
  const cartId = await h.cartWith({ [sku]: 1 });
  return { cartId, idempotencyKey, response: h.call("POST", "/api/checkout", body(cartId), { "Idempotency-Key": idempotencyKey }) };
};
const accepted = async (response: Promise<Response> | Response) => {
  const answer = await response;
  expect(answer.status).toBe(202);
  return CheckoutAccepted.parse(await answer.json());
};
/** whether `promise` is still pending after `ms` */
const stillWaiting = async (promise: Promise<Response>, ms = 300) => (await within(ms, promise)) === "pending";
const ordersOfCart = async (cartId: string) => Number((await h.sql`SELECT count(*)::int AS n FROM orders WHERE cart_id = ${cartId}`)[0]!.n);
const outboxSubjects = async (orderId: string) => (await h.sql<{ subject: string }[]>`SELECT subject FROM outbox WHERE subject LIKE ${`%.${orderId}`}`).map((row) => row.subject);

/** what inventory publishes when it reserves `sku` for `orderId` */
async function inventoryReserves(orderId: string, sku: string) {
  const event = InventoryReserved.create(orderId, { orderId, reservationId: `res-${orderId}`, lines: [{ sku, qty: 1 }], expiresAt: new Date(Date.now() + 60_000).toISOString() });
  h.nc.publish(InventoryReserved.subject(orderId), JSON.stringify(event));
  await h.nc.flush();
}
/** what inventory publishes when it rejects `orderId` for `sku` with nothing left */
async function inventoryRejects(orderId: string, sku: string) {
  const event = InventoryRejected.create(orderId, { orderId, reason: "out_of_stock", lines: [{ sku, requested: 1, available: 0, problem: "out_of_stock" }] });
  h.nc.publish(InventoryRejected.subject(orderId), JSON.stringify(event));
  await h.nc.flush();
}

describe("checkout with the hot-SKU gate", () => {
  it("makes the next order of a SKU whose undecided orders are at the limit wait for inventory's decision, then places it; other SKUs do not wait, not even for the in-flight slot", async () => {
    const first = await accepted((await startCheckout("MUG-LOGO")).response);
    expect(first.status).toBe("PENDING");

    const second = await startCheckout("MUG-LOGO");
    expect(await stillWaiting(second.response)).toBe(true);
    expect(await ordersOfCart(second.cartId)).toBe(0); // nothing written while it waits
    const other = (await startCheckout("CAP-NAVY")).response;
    expect(await stillWaiting(other, 500)).toBe(false);
    expect((await accepted(other)).status).toBe("PENDING");

    await inventoryReserves(first.orderId, "MUG-LOGO");
    const placed = await accepted(second.response);
    expect(placed.status).toBe("PENDING");
    expect(await outboxSubjects(placed.orderId)).toEqual([`orders.placed.${placed.orderId}`]);
  });

  it("refuses the waiting checkouts of a SKU as soon as inventory rejects any order of it with none left (here another instance's): no OrderPlaced for them", async () => {
    await accepted((await startCheckout("TSHIRT-RED-M")).response); // holds the one place, undecided
    const waiting = [await startCheckout("TSHIRT-RED-M"), await startCheckout("TSHIRT-RED-M")];
    expect(await stillWaiting(waiting[0]!.response, 100)).toBe(true);

    const rejected = Date.now();
    await inventoryRejects(randomUUID(), "TSHIRT-RED-M");
    await Promise.all(waiting.map(({ response }) => response));
    // woken by the rejection: not by a decision, the wait's end, or the gate's sweep (once a second)
    expect(Date.now() - rejected).toBeLessThan(500);
    for (const { response } of waiting) {
      const refused = await accepted(response);
      expect(refused).toMatchObject({ status: "CANCELLED", cancelReason: "out_of_stock" });
      expect(await outboxSubjects(refused.orderId)).toEqual([`orders.refused.${refused.orderId}`]);
    }
  });

  it("answers 503 (reason sku_busy, Retry-After) when no decision comes within the wait, with nothing written, and the same request goes through once inventory has decided", async () => {
    const first = await accepted((await startCheckout("HOODIE-GRY-L")).response);
    const late = await startCheckout("HOODIE-GRY-L");
    const started = Date.now();
    const answer = await late.response;
    expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_WAIT_MS - 50);
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("1");
    const problem = (await problemOf(answer)) as Awaited<ReturnType<typeof problemOf>> & { reason?: string };
    expect(problem).toMatchObject({ status: 503, code: "overloaded", reason: "sku_busy" });
    expect(problem.detail).toContain("HOODIE-GRY-L");
    expect(await ordersOfCart(late.cartId)).toBe(0);

    await inventoryReserves(first.orderId, "HOODIE-GRY-L");
    const again = await accepted(h.call("POST", "/api/checkout", body(late.cartId), { "Idempotency-Key": late.idempotencyKey }));
    expect(again.status).toBe("PENDING");
    expect(await ordersOfCart(late.cartId)).toBe(1);
  });
});
