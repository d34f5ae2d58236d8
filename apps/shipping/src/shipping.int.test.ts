import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { OrderCancelled } from "@checkout/contracts";
import type { RunningService } from "@checkout/messaging";
import { connectBus, createTestDatabase, orderConfirmed, refusedAtCheckout, rowsAbout, startNatsServer, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { ShippingConfig } from "./config.ts";
import { startShipping } from "./service.ts";

let nats: NatsServer;
let db: TestDatabase;
let service: RunningService;
let bus: Bus;

const start = (env: Record<string, string> = {}) =>
  startShipping(ShippingConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent", ...env }));

const orderCancelled = (orderId: string) => OrderCancelled.create(orderId, { orderId, reason: "customer_request", customer: { email: "ada@example.com" } });

const shipment = async (orderId: string) => {
  const response = await fetch(`${service.url}/api/shipments/${orderId}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
/** every delivered message handled and everything the handlers emitted published */
const settle = async () => {
  await bus.settled("ORDERS", "shipping-orders");
  await service.messaging.relay.flush();
};
const deadLetters = async () => (await bus.jsm.streams.info("DLQ")).state.messages;
const published = async (orderId: string) => {
  const events = await bus.eventsFor("SHIPPING", orderId);
  return Object.fromEntries([...events].map(([type, { count }]) => [type, count]));
};

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("shipping");
  service = await start();
  bus = await connectBus(nats.url);
});

afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await db?.drop();
  await nats?.stop();
});

describe("shipping reacts to OrderConfirmed", () => {
  it("creates a shipment with a tracking number, for the order's customer", async () => {
    const confirmed = orderConfirmed({ email: "grace@example.com" });
    await bus.publish(confirmed);
    const created = await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentCreated");
    expect(created.causationid).toBe(confirmed.id);
    expect(created.data).toMatchObject({
      orderId: confirmed.subject,
      carrier: "sim-post",
      trackingNumber: expect.stringMatching(/^SIM\d{12}$/),
      estimatedDelivery: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      customer: { email: "grace@example.com" },
    });
    const { status, body } = await shipment(confirmed.subject);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "created", shipmentId: (created.data as { shipmentId: string }).shipmentId, address: { country: "US" } });
  });

  it("delivered twice, or confirmed again with a new event id: one shipment, one event", async () => {
    const confirmed = orderConfirmed();
    await bus.publish(confirmed);
    const created = await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentCreated");

    await bus.publish(confirmed, { msgID: `${confirmed.id}-again` });
    await bus.publish({ ...confirmed, id: randomUUID() });
    await settle();
    expect(await published(confirmed.subject)).toEqual({ ShipmentCreated: 1 });
    expect(await deadLetters()).toBe(0);
    expect((await shipment(confirmed.subject)).body).toMatchObject({ status: "created", trackingNumber: (created.data as { trackingNumber: string }).trackingNumber });
  });

  it("refuses an address in a country the carrier does not serve, naming the country", async () => {
    const confirmed = orderConfirmed({ address: { country: "AQ", region: undefined } });
    await bus.publish(confirmed);
    const failed = await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentFailed");
    expect(failed.data).toEqual({ orderId: confirmed.subject, reason: "address_not_served", detail: expect.stringContaining("AQ") });
    expect((await shipment(confirmed.subject)).body).toMatchObject({ status: "failed", failureReason: "address_not_served", shipmentId: null });
  });
});

describe("shipping compensates", () => {
  it("cancels a created shipment when the order is cancelled, once", async () => {
    const confirmed = orderConfirmed();
    await bus.publish(confirmed);
    const created = await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentCreated");
    const cancelled = orderCancelled(confirmed.subject);
    await bus.publish(cancelled);
    const shipmentCancelled = await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentCancelled");
    expect(shipmentCancelled.data).toEqual({ orderId: confirmed.subject, shipmentId: (created.data as { shipmentId: string }).shipmentId });
    expect(shipmentCancelled.causationid).toBe(cancelled.id);

    await bus.publish({ ...cancelled, id: randomUUID() });
    await bus.publish({ ...confirmed, id: randomUUID() });
    await settle();
    expect(await published(confirmed.subject)).toEqual({ ShipmentCreated: 1, ShipmentCancelled: 1 });
    expect((await shipment(confirmed.subject)).body).toMatchObject({ status: "cancelled" });
  });

  it("a cancellation seen before the confirmation ships nothing when the confirmation arrives", async () => {
    const confirmed = orderConfirmed();
    await bus.publish(orderCancelled(confirmed.subject));
    await settle();
    expect((await shipment(confirmed.subject)).body).toMatchObject({ status: "cancelled", shipmentId: null });

    await bus.publish(confirmed);
    await settle();
    expect(await published(confirmed.subject)).toEqual({});
    expect(await deadLetters()).toBe(0);
    expect((await shipment(confirmed.subject)).body).toMatchObject({ status: "cancelled", shipmentId: null, trackingNumber: null });
  });

  it("an order checkout refused (OrderRefused, or OrderCancelled with placed: false) leaves no trace: nothing of it to cancel, no confirmation to guard against", async () => {
    const refusals = refusedAtCheckout();
    const overtaking = orderCancelled(randomUUID()); // an ordinary cancellation that overtakes its order: a tombstone
    for (const refused of refusals) await bus.publish(refused);
    await bus.publish(overtaking);
    await settle();
    for (const refused of refusals) expect(await rowsAbout(db.url, refused.subject, [refused.id])).toEqual({});
    expect(await rowsAbout(db.url, overtaking.subject, [overtaking.id])).toEqual({ shipments: 1, inbox: 1 });
    expect(await deadLetters()).toBe(0);
  });

  it("a cancelled order whose shipment failed has nothing to undo", async () => {
    const confirmed = orderConfirmed({ address: { country: "KP", region: undefined } });
    await bus.publish(confirmed);
    await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentFailed");
    await bus.publish(orderCancelled(confirmed.subject));
    await settle();
    expect(await published(confirmed.subject)).toEqual({ ShipmentFailed: 1 });
    expect((await shipment(confirmed.subject)).body).toMatchObject({ status: "failed" });
  });
});

describe("when the carrier fails (CARRIER_FAILURE_RATE=1)", () => {
  beforeAll(async () => {
    await service.stop();
    service = await start({ CARRIER_FAILURE_RATE: "1" });
  });
  afterAll(async () => {
    await service.stop();
    service = await start();
  });

  it("publishes ShipmentFailed with carrier_error, and a redelivery does not try again", async () => {
    const confirmed = orderConfirmed();
    await bus.publish(confirmed);
    const failed = await bus.waitForEvent("SHIPPING", confirmed.subject, "ShipmentFailed");
    expect(failed.data).toMatchObject({ orderId: confirmed.subject, reason: "carrier_error" });
    await bus.publish({ ...confirmed, id: randomUUID() });
    await settle();
    expect(await published(confirmed.subject)).toEqual({ ShipmentFailed: 1 });
  });
});

describe("shipping API", () => {
  it("answers 400 naming the field for a malformed order id, and 404 for an unknown order", async () => {
    const malformed = await fetch(`${service.url}/api/shipments/not-a-uuid`);
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/problem+json");
    expect(((await malformed.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe("orderId");
    expect((await fetch(`${service.url}/api/shipments/${randomUUID()}`)).status).toBe(404);
  });
});

describe("contract", () => {
  it("everything shipping published parses against contracts/, and nothing was dead-lettered", async () => {
    const events = await bus.parseAll("SHIPPING");
    expect(events.length).toBeGreaterThanOrEqual(7);
    expect(events.every((e) => e.source === "/checkout/shipping")).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["checkout.ShipmentCreated.v1", "checkout.ShipmentFailed.v1", "checkout.ShipmentCancelled.v1"]));
    expect(await deadLetters()).toBe(0);
  });
});
