import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus, freePort, shopper, spawnService, startSystem, waitFor, type Bus, type RunningProcess, type TestSystem } from "@checkout/testing";

// Holds expire after 2 s; the payment provider answers after 3 s; two inventory instances sweep.
let system: TestSystem;
let bus: Bus;
let shop: ReturnType<typeof shopper>;
let secondInventory: RunningProcess;

beforeAll(async () => {
  system = await startSystem({ label: "expiry", env: { inventory: { RESERVATION_TTL_MS: "2000", RESERVATION_GRACE_MS: "0", EXPIRY_POLL_MS: "100" } } });
  const port = await freePort();
  secondInventory = spawnService("inventory", `http://127.0.0.1:${port}`, port, { ...system.services.inventory.env, PORT: String(port) });
  await secondInventory.start();
  bus = await connectBus(system.nats.url);
  shop = shopper({ orders: system.url("orders"), inventory: system.url("inventory"), stripe: system.url("stripe-sim") });
});

afterAll(async () => {
  await secondInventory?.stop();
  await bus?.close();
  await system?.stop();
});

describe("reservation expiry", () => {
  it("a payment delayed past the deadline: CANCELLED(reservation_expired), stock released once, the late authorization voided", async () => {
    await shop.setStock("MUG-TRAVEL", 6);
    await fetch(`${system.url("stripe-sim")}/_sim/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ latencyMs: 3_000 }) });
    const orderIds = await Promise.all([1, 2, 3].map(() => shop.placeOrder([{ sku: "MUG-TRAVEL", qty: 2 }])));
    for (const orderId of orderIds) {
      const order = await shop.waitForStatus(orderId, ["CANCELLED", "COMPLETED"], 30_000);
      expect(order).toMatchObject({ status: "CANCELLED", cancelReason: "reservation_expired" });
      const intents = await shop.intentsOf(orderId);
      expect(intents.every((intent) => intent.status === "canceled" && intent.amount_captured === 0)).toBe(true);
      expect((await bus.eventsFor("INVENTORY", orderId)).get("InventoryReleased")?.count).toBe(1);
    }
    expect(await shop.stockOf("MUG-TRAVEL")).toMatchObject({ onHand: 6, reserved: 0, available: 6 });
    await fetch(`${system.url("stripe-sim")}/_sim/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ latencyMs: 0 }) });
  });

  it("a payment in time still completes with the short TTL", async () => {
    await shop.setStock("CAP-NAVY", 2);
    const orderId = await shop.placeOrder([{ sku: "CAP-NAVY", qty: 1 }]);
    expect(await shop.waitForStatus(orderId)).toMatchObject({ status: "COMPLETED" });
    await waitFor(async () => (await shop.stockOf("CAP-NAVY")).onHand === 1, { what: "committed stock" });
  });
});
