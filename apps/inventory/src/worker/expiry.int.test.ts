import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrderConfirmed, sampleEnvelopes } from "@checkout/contracts";
import { DLQ_HEADERS, type RunningService } from "@checkout/messaging";
import { adminHeaders, connectBus, createTestDatabase, orderPlaced, startNatsServer, TEST_JWT_SECRET, waitFor, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { InventoryConfig } from "../config.ts";
import { startInventory } from "../service.ts";

// Two inventory instances on one database and one stream, holds that expire after one second.
let nats: NatsServer;
let db: TestDatabase;
let instances: RunningService[] = [];
let bus: Bus;

const url = () => instances[0]!.url;
const stock = async (sku: string) => (await fetch(`${url()}/api/stock/${sku}`)).json() as Promise<{ onHand: number; reserved: number; available: number }>;
const setStock = async (sku: string, onHand: number) =>
  fetch(`${url()}/api/stock/${sku}`, { method: "PUT", headers: { "content-type": "application/json", ...(await adminHeaders()) }, body: JSON.stringify({ onHand }) });
const confirmed = (orderId: string) => {
  const sample = OrderConfirmed.parse(sampleEnvelopes(OrderConfirmed, orderId)[0]);
  return OrderConfirmed.create(orderId, { ...sample.data, lines: [{ sku: "EXP-B", qty: 1 }] });
};

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("inventory_expiry");
  const config = InventoryConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET, RESERVATION_TTL_MS: "1000", RESERVATION_GRACE_MS: "0", EXPIRY_POLL_MS: "50" });
  instances = [await startInventory(config), await startInventory(config)];
  bus = await connectBus(nats.url);
});

afterAll(async () => {
  for (const instance of instances) await instance.stop();
  await bus?.close();
  await db?.drop();
  await nats?.stop();
});

describe("reservation expiry, with two inventory instances", () => {
  it("releases every expired hold exactly once and puts the stock back", async () => {
    await setStock("EXP-A", 40);
    const orders = Array.from({ length: 20 }, () => orderPlaced({ lines: [{ sku: "EXP-A", qty: 2 }] }));
    await Promise.all(orders.map((o) => bus.publish(o)));
    for (const o of orders) await bus.waitForEvent("INVENTORY", o.subject, "InventoryReserved");
    for (const o of orders) {
      const released = await bus.waitForEvent("INVENTORY", o.subject, "InventoryReleased", { timeoutMs: 10_000 });
      expect(released.data).toMatchObject({ reason: "expired", from: "reserved" });
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // both sweepers have had several more passes
    for (const o of orders) expect((await bus.eventsFor("INVENTORY", o.subject)).get("InventoryReleased")?.count).toBe(1);
    expect(await stock("EXP-A")).toEqual(expect.objectContaining({ onHand: 40, reserved: 0, available: 40 }));
  });

  it("a confirmation after expiry takes the stock again when it is there, and refuses the order when it is not", async () => {
    await setStock("EXP-B", 1);
    const first = orderPlaced({ lines: [{ sku: "EXP-B", qty: 1 }] });
    await bus.publish(first);
    await bus.waitForEvent("INVENTORY", first.subject, "InventoryReleased", { timeoutMs: 10_000 });
    await bus.publish(confirmed(first.subject));
    await bus.waitForEvent("INVENTORY", first.subject, "InventoryCommitted");
    expect(await stock("EXP-B")).toMatchObject({ onHand: 0, reserved: 0 });

    await setStock("EXP-B", 1);
    const second = orderPlaced({ lines: [{ sku: "EXP-B", qty: 1 }] });
    await bus.publish(second);
    await bus.waitForEvent("INVENTORY", second.subject, "InventoryReleased", { timeoutMs: 10_000 });
    const third = orderPlaced({ lines: [{ sku: "EXP-B", qty: 1 }] });
    await bus.publish(third); // takes the unit the second order lost
    await bus.waitForEvent("INVENTORY", third.subject, "InventoryReserved");
    await bus.publish(confirmed(second.subject));
    const refused = await bus.waitForEvent("INVENTORY", second.subject, "InventoryRejected");
    expect(refused.data).toMatchObject({ reason: "out_of_stock" });
    await waitFor(async () => (await stock("EXP-B")).reserved === 0, { what: "the third hold to expire too" });
  });

  it("dead-letters a confirmation after expiry whose lines do not name what the reservation held, and takes nothing", async () => {
    await setStock("EXP-C", 2);
    await setStock("EXP-D", 2);
    const placed = orderPlaced({ lines: [{ sku: "EXP-C", qty: 1 }] });
    await bus.publish(placed);
    await bus.waitForEvent("INVENTORY", placed.subject, "InventoryReleased", { timeoutMs: 10_000 });
    const sample = OrderConfirmed.parse(sampleEnvelopes(OrderConfirmed, placed.subject)[0]);
    await bus.publish(OrderConfirmed.create(placed.subject, { ...sample.data, lines: [{ sku: "EXP-D", qty: 1 }] }));
    const reason = await waitFor(
      async () => {
        const info = await bus.jsm.streams.info("DLQ");
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const m = await bus.jsm.streams.getMessage("DLQ", { seq }).catch(() => undefined);
          if (m?.header.get(DLQ_HEADERS.subject) === OrderConfirmed.subject(placed.subject)) return m.header.get(DLQ_HEADERS.reason);
        }
      },
      { what: "the confirmation's dead letter" },
    );
    expect(reason).toMatch(/unprocessable: the confirmation's lines do not name EXP-C, which the order's reservation holds/);
    expect(await stock("EXP-C")).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await stock("EXP-D")).toMatchObject({ onHand: 2, reserved: 0 });
  });
});
