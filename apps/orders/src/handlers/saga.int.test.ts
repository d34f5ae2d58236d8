import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { InventoryRejected, InventoryReserved, PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentVoided, ShipmentCreated, sampleEnvelopes, type CloudEvent } from "@checkout/contracts";
import { DLQ_HEADERS } from "@checkout/messaging";
import { adminHeaders, redisPrefix, useParticipant, waitFor } from "@checkout/testing";
import { OrdersConfig } from "../config.ts";
import { givenPendingOrder } from "../given-order.ts";
import { startOrders } from "../service.ts";

const t = useParticipant("orders_saga", (env) => startOrders(OrdersConfig.parse({ ...env, REDIS_PREFIX: redisPrefix("saga") })));


const reserved = (orderId: string) => InventoryReserved.create(orderId, { orderId, reservationId: `res_${orderId}`, lines: [{ sku: "MUG-LOGO", qty: 2 }], expiresAt: new Date(Date.now() + 60_000).toISOString() });
const authorized = (orderId: string) => PaymentAuthorized.create(orderId, { orderId, paymentIntentId: `pi_${orderId}`, amount: { amount: 2_400, currency: "USD" } });
const declined = (orderId: string) => PaymentFailed.create(orderId, { orderId, reason: "declined", declineCode: "generic_decline", message: "Your card was declined." });
const status = async (orderId: string) => (await t.service.sql`SELECT status, cancel_reason, payment_intent_id, reservation_id FROM orders WHERE id = ${orderId}`)[0]!;
const settle = async () => {
  await t.bus.settled("INVENTORY", "orders-inventory");
  await t.bus.settled("PAYMENTS", "orders-payments");
  await t.bus.settled("SHIPPING", "orders-shipping").catch(() => {});
  await t.service.messaging.relay.flush();
};
const published = async (orderId: string) => t.bus.eventsFor("ORDERS", orderId);

describe("orders reacts to the facts of inventory and payments", () => {
  it("payment seen before the reservation: CONFIRMED once, OrderConfirmed carries the intent id", async () => {
    const orderId = await givenPendingOrder(t.service.sql);
    await t.bus.publish(authorized(orderId));
    const confirmed = await t.bus.waitForEvent("ORDERS", orderId, "OrderConfirmed");
    await t.bus.publish(reserved(orderId));
    await settle();
    expect(await status(orderId)).toMatchObject({ status: "CONFIRMED", payment_intent_id: `pi_${orderId}`, reservation_id: `res_${orderId}` });
    expect(confirmed.data).toMatchObject({ paymentIntentId: `pi_${orderId}`, total: { amount: 2_400, currency: "USD" } });
  });

  it("every fact delivered twice: the same single outcome", async () => {
    const orderId = await givenPendingOrder(t.service.sql);
    for (const event of [reserved(orderId), authorized(orderId)]) {
      await t.bus.publish(event);
      await t.bus.publish(event, { msgID: `${event.id}-again` });
    }
    await t.bus.waitForEvent("ORDERS", orderId, "OrderConfirmed");
    await settle();
    expect((await published(orderId)).get("OrderConfirmed")?.count).toBe(1);
    const timeline = await t.service.sql`SELECT type FROM order_timeline WHERE order_id = ${orderId}`;
    expect(timeline.map((row) => row.type).sort()).toEqual(["InventoryReserved", "OrderConfirmed", "PaymentAuthorized"]);
  });

  it("a rejection cancels with the reason; a decline cancels as payment_declined", async () => {
    const outOfStock = await givenPendingOrder(t.service.sql);
    await t.bus.publish(InventoryRejected.create(outOfStock, { orderId: outOfStock, reason: "out_of_stock", lines: [{ sku: "MUG-LOGO", requested: 2, available: 0, problem: "out_of_stock" }] }));
    const cancelled = await t.bus.waitForEvent("ORDERS", outOfStock, "OrderCancelled");
    expect(cancelled.data).toMatchObject({ reason: "out_of_stock", detail: "MUG-LOGO: 0 of 2 available" });

    const refused = await givenPendingOrder(t.service.sql);
    await t.bus.publish(reserved(refused));
    await settle();
    await t.bus.publish(declined(refused));
    expect((await t.bus.waitForEvent("ORDERS", refused, "OrderCancelled")).data).toMatchObject({ reason: "payment_declined", reservationId: `res_${refused}` });
  });

  it("an authorization after the cancellation does not revive the order: CANCELLING until it is voided", async () => {
    const orderId = await givenPendingOrder(t.service.sql);
    await t.bus.publish(declined(orderId));
    await t.bus.waitForEvent("ORDERS", orderId, "OrderCancelled");
    await t.bus.publish(authorized(orderId));
    await settle();
    expect(await status(orderId)).toMatchObject({ status: "CANCELLING", cancel_reason: "payment_declined" });
    await t.bus.publish(PaymentVoided.create(orderId, { orderId, paymentIntentId: `pi_${orderId}`, amount: { amount: 2_400, currency: "USD" }, reason: "payment_declined" }));
    await settle();
    expect(await status(orderId)).toMatchObject({ status: "CANCELLED" });
    expect((await published(orderId)).has("OrderConfirmed")).toBe(false);
  });

  it("shipment and capture complete a confirmed order; the timeline lists every fact with its producer", async () => {
    const orderId = await givenPendingOrder(t.service.sql);
    await t.bus.publish(reserved(orderId));
    await t.bus.publish(authorized(orderId));
    await t.bus.waitForEvent("ORDERS", orderId, "OrderConfirmed");
    await t.bus.publish(ShipmentCreated.create(orderId, ShipmentCreated.parse(sampleEnvelopes(ShipmentCreated, orderId)[0]).data));
    await t.bus.publish(PaymentCaptured.create(orderId, { orderId, paymentIntentId: `pi_${orderId}`, amount: { amount: 2_400, currency: "USD" } }));
    const completed = await t.bus.waitForEvent("ORDERS", orderId, "OrderCompleted");
    expect(completed.data).toMatchObject({ total: { amount: 2_400 } });
    const view = (await (await fetch(`${t.service.url}/api/orders/${orderId}`, { headers: await adminHeaders() })).json()) as { status: string; tracking: unknown; timeline: Array<{ type: string; source: string }> };
    expect(view.status).toBe("COMPLETED");
    expect(view.tracking).toEqual({ carrier: "sim-post", trackingNumber: "SIM123456789" });
    expect(view.timeline.map((e) => `${e.source}:${e.type}`)).toEqual(
      expect.arrayContaining(["inventory:InventoryReserved", "payments:PaymentAuthorized", "orders:OrderConfirmed", "shipping:ShipmentCreated", "payments:PaymentCaptured", "orders:OrderCompleted"]),
    );
  });

  it("a fact about an order nobody placed goes to the DLQ with its reason", async () => {
    const stranger = randomUUID();
    const seq = await t.bus.publish(authorized(stranger));
    const dead = await waitFor(async () => (await t.bus.jsm.streams.getMessage("DLQ", { last_by_subj: "dlq.PAYMENTS.orders-payments" }).catch(() => null)) ?? undefined, { what: "the dead letter" });
    expect(dead!.header.get(DLQ_HEADERS.reason)).toMatch(/unknown order/);
    expect(dead!.header.get(DLQ_HEADERS.sequence)).toBe(String(seq));
  });

  it("everything orders published parses against contracts/", async () => {
    const events: CloudEvent[] = await t.bus.parseAll("ORDERS");
    expect(events.length).toBeGreaterThan(3);
  });
});
