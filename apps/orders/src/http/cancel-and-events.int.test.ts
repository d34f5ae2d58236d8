import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { PaymentAuthorized, ShipmentCreated, PaymentVoided, InventoryReserved, InventoryReleased, sampleEnvelopes } from "@checkout/contracts";
import { authHeaders, redisPrefix, useParticipant, waitFor } from "@checkout/testing";
import { OrdersConfig } from "../config.ts";
import { givenPendingOrder } from "../given-order.ts";
import { startOrders } from "../service.ts";

const t = useParticipant("orders_cancel", (env) => startOrders(OrdersConfig.parse({ ...env, REDIS_PREFIX: redisPrefix("cancel") })));

const money = { amount: 2_400, currency: "USD" };
// every order here is Grace's (givenOrder), and she asks
const GRACE = "grace";
const givenOrder = () => givenPendingOrder(t.service.sql, { userId: GRACE });
const asGrace = async (path: string, init: RequestInit = {}) =>
  fetch(`${t.service.url}${path}`, { ...init, headers: { ...(await authHeaders(GRACE)), ...(init.headers as Record<string, string> | undefined) } });
const cancel = (orderId: string) => asGrace(`/api/orders/${orderId}/cancel`, { method: "POST" });

/** Reads a text/event-stream until it ends or `until` says stop. */
async function readEvents(response: Response, until: (events: Array<{ id: string; data: any }>) => boolean) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const events: Array<{ id: string; data: any }> = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: ?(.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      if (id && data) events.push({ id, data: JSON.parse(data) });
    }
    if (until(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

describe("POST /api/orders/:id/cancel", () => {
  it("cancels a confirmed order: OrderCancelled(customer_request), CANCELLING until void and release are confirmed", async () => {
    const orderId = await givenOrder();
    await t.bus.publish(InventoryReserved.create(orderId, { orderId, reservationId: "res_1", lines: [{ sku: "MUG-LOGO", qty: 2 }], expiresAt: new Date(Date.now() + 60_000).toISOString() }));
    await t.bus.publish(PaymentAuthorized.create(orderId, { orderId, paymentIntentId: "pi_1", amount: money }));
    await t.bus.waitForEvent("ORDERS", orderId, "OrderConfirmed");

    const response = await cancel(orderId);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "CANCELLING", cancelReason: "customer_request" });
    const cancelled = await t.bus.waitForEvent("ORDERS", orderId, "OrderCancelled");
    expect(cancelled.data).toMatchObject({ reason: "customer_request", paymentIntentId: "pi_1", reservationId: "res_1" });

    const again = await cancel(orderId);
    expect(again.status).toBe(200);
    await t.bus.publish(PaymentVoided.create(orderId, { orderId, paymentIntentId: "pi_1", amount: money, reason: "customer_request" }));
    await t.bus.publish(InventoryReleased.create(orderId, { orderId, reservationId: "res_1", lines: [{ sku: "MUG-LOGO", qty: 2 }], reason: "order_cancelled", from: "reserved" }));
    await waitFor(async () => ((await (await asGrace(`/api/orders/${orderId}`)).json()) as { status: string }).status === "CANCELLED", { what: "CANCELLED" });
    expect((await t.bus.eventsFor("ORDERS", orderId)).get("OrderCancelled")?.count).toBe(1);
  });

  it("refuses with 409 once the order has been handed to the carrier", async () => {
    const orderId = await givenOrder();
    await t.bus.publish(PaymentAuthorized.create(orderId, { orderId, paymentIntentId: "pi_2", amount: money }));
    await t.bus.publish(ShipmentCreated.create(orderId, ShipmentCreated.parse(sampleEnvelopes(ShipmentCreated, orderId)[0]).data));
    await waitFor(async () => (await t.service.sql`SELECT 1 FROM orders WHERE id = ${orderId} AND 'ShipmentCreated' = ANY(facts)`).length === 1, { what: "the shipment" });
    const response = await cancel(orderId);
    expect(response.status).toBe(409);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(await response.json()).toMatchObject({ code: "order_handed_over" });
    expect((await t.bus.eventsFor("ORDERS", orderId)).has("OrderCancelled")).toBe(false);
  });

  it("404 for an unknown order, 400 for a malformed id", async () => {
    expect((await cancel(randomUUID())).status).toBe(404);
    const malformed = await cancel("not-a-uuid");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe("orderId");
  });
});

describe("GET /api/orders/:id/events (Server-Sent Events)", () => {
  it("a client connected before anything happens sees every status change in order, then the stream ends", async () => {
    const orderId = await givenOrder();
    const response = await asGrace(`/api/orders/${orderId}/events`);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reading = readEvents(response, () => false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await t.bus.publish(PaymentAuthorized.create(orderId, { orderId, paymentIntentId: "pi_3", amount: money }));
    await t.bus.waitForEvent("ORDERS", orderId, "OrderConfirmed");
    expect((await cancel(orderId)).status).toBe(202);
    await t.bus.publish(PaymentVoided.create(orderId, { orderId, paymentIntentId: "pi_3", amount: money, reason: "customer_request" }));
    const events = await reading;
    expect(events.map((e) => `${e.id}:${e.data.status}`)).toEqual(["1:PENDING", "2:CONFIRMED", "3:CANCELLING", "4:CANCELLED"]);
    expect(events[3]!.data).toMatchObject({ orderId, cancelReason: "customer_request" });
  });

  it("resumes after Last-Event-ID", async () => {
    const orderId = await givenOrder();
    await t.bus.publish(PaymentAuthorized.create(orderId, { orderId, paymentIntentId: "pi_4", amount: money }));
    await t.bus.waitForEvent("ORDERS", orderId, "OrderConfirmed");
    const response = await asGrace(`/api/orders/${orderId}/events`, { headers: { "Last-Event-ID": "1" } });
    const events = await readEvents(response, (seen) => seen.length >= 1);
    expect(events.map((e) => `${e.id}:${e.data.status}`)).toEqual(["2:CONFIRMED"]);
  });
});
