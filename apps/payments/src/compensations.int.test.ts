import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { InventoryReserved, OrderCancelled, ShipmentCreated, sampleEnvelopes, type CloudEvent } from "@checkout/contracts";
import { DLQ_HEADERS, type RunningService } from "@checkout/messaging";
import { startStripeSim } from "@checkout/stripe-sim";
import { connectBus, createTestDatabase, orderPlaced, refusedAtCheckout, rowsAbout, startNatsServer, waitFor, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { PaymentsConfig } from "./config.ts";
import { startPayments } from "./service.ts";

let nats: NatsServer;
let db: TestDatabase;
let service: RunningService;
let bus: Bus;
let sim: Awaited<ReturnType<typeof startStripeSim>>;

const reserved = (placed: CloudEvent, expiresInMs = 60_000) =>
  InventoryReserved.create(placed.subject, { orderId: placed.subject, reservationId: `res_${placed.subject}`, lines: [{ sku: "MUG-LOGO", qty: 1 }], expiresAt: new Date(Date.now() + expiresInMs).toISOString() });
const shipped = (orderId: string) => ShipmentCreated.create(orderId, ShipmentCreated.parse(sampleEnvelopes(ShipmentCreated, orderId)[0]).data);
const cancelled = (orderId: string) => OrderCancelled.create(orderId, { orderId, reason: "customer_request", customer: { email: "ada@example.com" } });
const intentsOf = async (orderId: string) =>
  ((await (await fetch(`${sim.url}/_sim/payment_intents?order_id=${orderId}`)).json()) as { data: Array<{ id: string; status: string; amount: number; amount_captured: number; amount_refunded: number }> }).data;

async function authorizedOrder(): Promise<CloudEvent> {
  const placed = orderPlaced({ lines: [{ sku: "MUG-LOGO", qty: 1, unitPrice: 3_000 }] });
  await bus.publish(placed);
  await bus.publish(reserved(placed));
  await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
  return placed;
}

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("payments_comp");
  sim = await startStripeSim({ port: 0 });
  service = await startPayments(PaymentsConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent", STRIPE_API_URL: sim.url, STRIPE_MAX_NETWORK_RETRIES: "0" }));
  bus = await connectBus(nats.url);
});

afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await sim?.close();
  await db?.drop();
  await nats?.stop();
});

beforeEach(() => void sim.sim.setConfig({ latencyMs: 0 }));

describe("capture, void and refund", () => {
  it("a shipment captures the authorization once, for the authorized amount", async () => {
    const placed = await authorizedOrder();
    await bus.publish(shipped(placed.subject));
    const captured = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentCaptured");
    expect(captured.data).toMatchObject({ amount: { amount: 3_000, currency: "USD" } });
    await bus.publish(shipped(placed.subject));
    await bus.settled("SHIPPING", "payments-shipping");
    const [intent, ...more] = await intentsOf(placed.subject);
    expect(more).toEqual([]);
    expect(intent).toMatchObject({ status: "succeeded", amount_captured: 3_000 });
    expect((await bus.eventsFor("PAYMENTS", placed.subject)).get("PaymentCaptured")?.count).toBe(1);
  });

  it("a cancellation voids an uncaptured authorization", async () => {
    const placed = await authorizedOrder();
    await bus.publish(cancelled(placed.subject));
    const voided = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentVoided");
    expect(voided.data).toMatchObject({ amount: { amount: 3_000 }, reason: "customer_request" });
    expect(await intentsOf(placed.subject)).toMatchObject([{ status: "canceled", amount_captured: 0 }]);
  });

  it("a cancellation after capture refunds it", async () => {
    const placed = await authorizedOrder();
    await bus.publish(shipped(placed.subject));
    await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentCaptured");
    await bus.publish(cancelled(placed.subject));
    const refunded = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentRefunded");
    expect(refunded.data).toMatchObject({ amount: { amount: 3_000, currency: "USD" } });
    expect(await intentsOf(placed.subject)).toMatchObject([{ amount_captured: 3_000, amount_refunded: 3_000 }]);
  });

  it("a cancellation while the authorization is in flight: authorized, then voided", async () => {
    sim.sim.setConfig({ latencyMs: 600 });
    const placed = orderPlaced();
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await bus.publish(cancelled(placed.subject));
    await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentVoided", { timeoutMs: 10_000 });
    expect(await intentsOf(placed.subject)).toMatchObject([{ status: "canceled" }]);
  });

  it("a cancellation before payments heard of the order: nothing is ever authorized", async () => {
    const placed = orderPlaced();
    await bus.publish(cancelled(placed.subject));
    await bus.settled("ORDERS", "payments-orders");
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    await bus.settled("ORDERS", "payments-orders");
    await bus.settled("INVENTORY", "payments-inventory");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await intentsOf(placed.subject)).toEqual([]);
  });

  it("an order checkout refused (OrderRefused, or OrderCancelled with placed: false) leaves no trace: nothing to give back, nothing to guard against", async () => {
    const refusals = refusedAtCheckout();
    const overtaking = cancelled(orderPlaced().subject); // an ordinary cancellation that overtakes its order: recorded
    for (const refused of refusals) await bus.publish(refused);
    await bus.publish(overtaking);
    await bus.settled("ORDERS", "payments-orders");
    for (const refused of refusals) {
      expect(await rowsAbout(db.url, refused.subject, [refused.id])).toEqual({});
      expect(await intentsOf(refused.subject)).toEqual([]);
    }
    expect(await rowsAbout(db.url, overtaking.subject, [overtaking.id])).toEqual({ payments: 1, inbox: 1 });
  });

  it("an authorization that lands after the reservation deadline is voided", async () => {
    sim.sim.setConfig({ latencyMs: 1_200 });
    const placed = orderPlaced();
    await bus.publish(placed);
    await bus.publish(reserved(placed, 600));
    const failed = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentFailed", { timeoutMs: 10_000 });
    expect(failed.data).toMatchObject({ reason: "reservation_expired" });
    await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentVoided", { timeoutMs: 10_000 });
    expect(await intentsOf(placed.subject)).toMatchObject([{ status: "canceled" }]);
    expect((await bus.eventsFor("PAYMENTS", placed.subject)).has("PaymentAuthorized")).toBe(false);
  });

  it("a capture the provider refuses for good is parked: status and DLQ, never dropped", async () => {
    const placed = await authorizedOrder();
    const [intent] = await intentsOf(placed.subject);
    await new Stripe("sk_test_operator", { host: "127.0.0.1", port: Number(new URL(sim.url).port), protocol: "http" }).paymentIntents.cancel(intent!.id);
    await bus.publish(shipped(placed.subject));
    const payment = await waitFor(async () => {
      const body = (await (await fetch(`${service.url}/api/payments/${placed.subject}`)).json()) as { status: string };
      return body.status === "parked" ? body : undefined;
    }, { what: "the parked capture" });
    expect(payment.status).toBe("parked");
    const dead = await bus.jsm.streams.getMessage("DLQ", { last_by_subj: "dlq.PAYMENTS.payments-worker" });
    expect(dead!.header.get(DLQ_HEADERS.reason)).toMatch(/capturing refused by the provider/);
    expect(dead!.json()).toMatchObject({ orderId: placed.subject, step: "capturing" });
  });
});
