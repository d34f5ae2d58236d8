import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InventoryReserved, type CloudEvent } from "@checkout/contracts";
import type { RunningService } from "@checkout/messaging";
import { startStripeSim } from "@checkout/stripe-sim";
import { connectBus, createTestDatabase, orderPlaced, startNatsServer, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { connect } from "@checkout/db";
import { PaymentsConfig } from "./config.ts";
import { startPayments } from "./service.ts";

let nats: NatsServer;
let db: TestDatabase;
let service: RunningService;
let bus: Bus;
let stripe: Awaited<ReturnType<typeof startStripeSim>>;

const reserved = (placed: CloudEvent, expiresInMs = 60_000) =>
  InventoryReserved.create(placed.subject, {
    orderId: placed.subject,
    reservationId: `res_${placed.subject}`,
    lines: [{ sku: "MUG-LOGO", qty: 1 }],
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  });

const intentsOf = async (orderId: string) => {
  const response = await fetch(`${stripe.url}/_sim/payment_intents?order_id=${orderId}`);
  return ((await response.json()) as { data: Array<{ id: string; status: string; amount: number; capture_method: string }> }).data;
};

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("payments");
  stripe = await startStripeSim({ port: 0 });
  service = await startPayments(
    PaymentsConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent", STRIPE_API_URL: stripe.url, STRIPE_TIMEOUT_MS: "2000", STRIPE_MAX_NETWORK_RETRIES: "0" }),
  );
  bus = await connectBus(nats.url);
});

afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await stripe?.close();
  await db?.drop();
  await nats?.stop();
});

beforeEach(() => {
  stripe.sim.setConfig({ failureRate: 0, outage: false, latencyMs: 0, maxFaults: null });
});

describe("payments authorizes once both the order and its reservation are known", () => {
  it("given OrderPlaced, when InventoryReserved arrives, authorizes with manual capture for the order total", async () => {
    const placed = orderPlaced({ lines: [{ sku: "MUG-LOGO", qty: 2, unitPrice: 1_250 }] });
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    const authorized = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
    const [intent, ...others] = await intentsOf(placed.subject);
    expect(others).toEqual([]);
    expect(intent).toMatchObject({ status: "requires_capture", amount: 2_500, capture_method: "manual" });
    expect(authorized.data).toEqual({ orderId: placed.subject, paymentIntentId: intent!.id, amount: { amount: 2_500, currency: "USD" } });
  });

  it("gives the same result when the reservation is seen first, and nothing more on redelivery", async () => {
    const placed = orderPlaced();
    const hold = reserved(placed);
    await bus.publish(hold);
    await bus.publish(placed);
    await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
    await bus.publish(hold, { msgID: `${hold.id}-again` });
    await bus.publish(placed, { msgID: `${placed.id}-again` });
    await bus.settled("ORDERS", "payments-orders");
    await bus.settled("INVENTORY", "payments-inventory");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await bus.eventsFor("PAYMENTS", placed.subject)).get("PaymentAuthorized")?.count).toBe(1);
    expect(await intentsOf(placed.subject)).toHaveLength(1);
  });

  it("both facts at once, many orders: one authorization each", async () => {
    const orders = Array.from({ length: 20 }, () => orderPlaced());
    await Promise.all(orders.flatMap((placed) => [bus.publish(placed), bus.publish(reserved(placed))]));
    for (const placed of orders) await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
    for (const placed of orders) expect(await intentsOf(placed.subject)).toHaveLength(1);
  });

  it("answers that come back together are recorded together, without waiting for slower calls", async () => {
    stripe.sim.setConfig({ latencyMs: 200 });
    const orders = Array.from({ length: 30 }, () => orderPlaced());
    await Promise.all(orders.flatMap((placed) => [bus.publish(placed), bus.publish(reserved(placed))]));
    for (const placed of orders) await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
    const sql = connect(db.url, { max: 1 });
    const [{ transactions }] = (await sql`
      SELECT count(DISTINCT xmin::text)::int AS transactions FROM payments WHERE order_id = ANY(${orders.map((o) => o.subject)}::uuid[]) AND status = 'authorized'`) as unknown as [{ transactions: number }];
    await sql.end();
    expect(transactions).toBeLessThan(15); // 30 answers, recorded a batch at a time
    for (const placed of orders) expect(await intentsOf(placed.subject)).toHaveLength(1);
  });
});

describe("payments failures", () => {
  it("a declined card is final: PaymentFailed with the decline code", async () => {
    const placed = orderPlaced({ paymentMethod: "pm_card_chargeDeclinedInsufficientFunds" });
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    const failed = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentFailed");
    expect(failed.data).toMatchObject({ reason: "declined", declineCode: "insufficient_funds" });
    expect((await bus.eventsFor("PAYMENTS", placed.subject)).has("PaymentAuthorized")).toBe(false);
  });

  it("an unknown payment method is refused as an invalid request", async () => {
    const placed = orderPlaced({ paymentMethod: "pm_does_not_exist" });
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    const failed = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentFailed");
    expect(failed.data).toMatchObject({ reason: "invalid_request" });
  });

  it("provider 500s are retried with the same idempotency key until it answers: one intent", async () => {
    stripe.sim.setConfig({ failureRate: 1, maxFaults: 3 });
    const placed = orderPlaced();
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized", { timeoutMs: 20_000 });
    expect(await intentsOf(placed.subject)).toHaveLength(1);
  });

  it("a provider that commits and then answers 500: the retry replays the first result, one intent", async () => {
    stripe.sim.setConfig({ failAfterCommitRate: 1, maxFaults: 1 });
    const placed = orderPlaced();
    await bus.publish(placed);
    await bus.publish(reserved(placed));
    await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized", { timeoutMs: 20_000 });
    expect(await intentsOf(placed.subject)).toHaveLength(1);
    stripe.sim.setConfig({ failAfterCommitRate: 0 });
  });

  it("a provider outage past the reservation deadline fails the payment as provider_unavailable", async () => {
    stripe.sim.setConfig({ outage: true });
    const placed = orderPlaced();
    await bus.publish(placed);
    await bus.publish(reserved(placed, 1_500));
    const failed = await bus.waitForEvent("PAYMENTS", placed.subject, "PaymentFailed", { timeoutMs: 20_000 });
    expect(failed.data).toMatchObject({ reason: "provider_unavailable" });
    expect(await intentsOf(placed.subject)).toHaveLength(0);
  });
});

describe("contract", () => {
  it("everything payments published parses against contracts/, and nothing was dead-lettered", async () => {
    const events = await bus.parseAll("PAYMENTS");
    expect(events.length).toBeGreaterThan(5);
    expect((await bus.jsm.streams.info("DLQ")).state.messages).toBe(0);
  });
});
