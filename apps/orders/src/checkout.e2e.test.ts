import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { connectBus, shopper, startSystem, waitFor, type Bus, type TestSystem } from "@checkout/testing";

// Checkout under contention and failure, with every service as its own process on a private
// nats-server and fresh databases, driven over HTTP (and inspected over NATS) as users would.

let system: TestSystem;
let bus: Bus;
let shop: ReturnType<typeof shopper>;

beforeAll(async () => {
  system = await startSystem({ label: "checkout" });
  bus = await connectBus(system.nats.url);
  shop = shopper({ orders: system.url("orders"), inventory: system.url("inventory"), stripe: system.url("stripe-sim") });
});

afterAll(async () => {
  await bus?.close();
  await system?.stop();
});

describe("checkout over HTTP, carried through the saga", () => {
  it("out of stock: CANCELLED(out_of_stock) naming the line, stock untouched, nothing charged", async () => {
    await shop.setStock("TOTE-CANVAS", 1);
    const orderId = await shop.placeOrder([{ sku: "TOTE-CANVAS", qty: 2 }]);
    const order = await shop.waitForStatus(orderId);
    expect(order).toMatchObject({ status: "CANCELLED", cancelReason: "out_of_stock" });
    const rejected = order.timeline.find((entry: { type: string }) => entry.type === "InventoryRejected");
    expect(rejected.detail.lines).toEqual([{ sku: "TOTE-CANVAS", requested: 2, available: 1, problem: "out_of_stock" }]);
    expect(await shop.stockOf("TOTE-CANVAS")).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await shop.intentsOf(orderId)).toHaveLength(0);
  });

  it("a SKU the catalog sells but inventory does not know: CANCELLED(unknown_sku)", async () => {
    const orderId = await shop.placeOrder([{ sku: "STICKER-PACK", qty: 1 }]);
    expect(await shop.waitForStatus(orderId)).toMatchObject({ status: "CANCELLED", cancelReason: "unknown_sku" });
  });

  it("a declined card: CANCELLED(payment_declined) once the hold is released, nothing authorized", async () => {
    await shop.setStock("SOCKS-STRIPE", 3);
    const orderId = await shop.placeOrder([{ sku: "SOCKS-STRIPE", qty: 2 }], { paymentMethod: "pm_card_chargeDeclined" });
    expect(await shop.waitForStatus(orderId)).toMatchObject({ status: "CANCELLED", cancelReason: "payment_declined" });
    expect(await shop.stockOf("SOCKS-STRIPE")).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect((await shop.intentsOf(orderId)).filter((intent) => intent.status === "requires_capture" || intent.status === "succeeded")).toHaveLength(0);
  });

  it("50 concurrent buyers of the last 5 units: exactly 5 COMPLETED, 45 CANCELLED(out_of_stock), stock 0", async () => {
    await shop.setStock("BOTTLE-STEEL", 5);
    const carts = await Promise.all(Array.from({ length: 50 }, () => shop.cartWith([{ sku: "BOTTLE-STEEL", qty: 1 }])));
    const responses = await Promise.all(carts.map((cartId) => shop.checkout(cartId)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    const orderIds = await Promise.all(responses.map(async (r) => (await shop.json(r)).orderId as string));
    const orders = await Promise.all(orderIds.map((id) => shop.waitForStatus(id, undefined, 60_000)));
    const tally: Record<string, number> = {};
    for (const o of orders) tally[`${o.status}:${o.cancelReason ?? ""}`] = (tally[`${o.status}:${o.cancelReason ?? ""}`] ?? 0) + 1;
    expect(tally).toEqual({ "COMPLETED:": 5, "CANCELLED:out_of_stock": 45 });
    expect(await shop.stockOf("BOTTLE-STEEL")).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
  });
});

describe("Idempotency-Key on POST /api/checkout", () => {
  it("a replay returns the same order; another body with the key is 422; parallel duplicates make one order", async () => {
    await shop.setStock("TSHIRT-RED-M", 20);
    const cartId = await shop.cartWith([{ sku: "TSHIRT-RED-M", qty: 1 }]);
    const key = randomUUID();
    const first = await shop.checkout(cartId, { key });
    expect(first.status).toBe(202);
    const firstBody = await shop.json(first);
    const replay = await shop.checkout(cartId, { key });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await shop.json(replay)).toEqual(firstBody);

    const other = await shop.checkout(cartId, { key, email: "someone-else@example.com" });
    expect(other.status).toBe(422);
    expect(other.headers.get("content-type")).toContain("application/problem+json");

    const parallelCart = await shop.cartWith([{ sku: "TSHIRT-RED-M", qty: 1 }]);
    const parallelKey = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => shop.checkout(parallelCart, { key: parallelKey })));
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    const ids = new Set(await Promise.all(accepted.map(async (r) => (await shop.json(r)).orderId)));
    expect(ids.size).toBe(1);
  });

  it("bad input is a 4xx problem+json naming the field, and nothing is written", async () => {
    const cartId = await shop.cartWith([{ sku: "TSHIRT-RED-M", qty: 1 }]);
    const bad = await shop.checkout(cartId, { paymentMethod: "visa please" });
    expect(bad.status).toBe(400);
    expect(await shop.json(bad)).toMatchObject({ errors: [{ field: "paymentMethod" }] });
    const zero = await shop.fetch(`${system.url("orders")}/api/cart/${cartId}/items`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sku: "MUG-LOGO", qty: 0 }) });
    expect(zero.status).toBe(400);
    expect(await shop.json(zero)).toMatchObject({ errors: [{ field: "qty" }] });
    const unknownCart = await shop.checkout(randomUUID());
    expect(unknownCart.status).toBe(404);
    expect(await shop.json(unknownCart)).toMatchObject({ errors: [{ field: "cartId" }] });
  });
});

describe("crash safety", () => {
  it("inventory and payments killed (SIGKILL) while orders flow: every order still ends, stock adds up", async () => {
    await shop.setStock("HOODIE-GRY-M", 1_000);
    const orderIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      orderIds.push(await shop.placeOrder([{ sku: "HOODIE-GRY-M", qty: 1 }], { paymentMethod: i % 5 === 0 ? "pm_card_chargeDeclined" : "pm_card_visa" }));
      if (i === 10) await system.services.inventory.kill();
      if (i === 15) await system.services.payments.kill();
    }
    await system.services.inventory.start();
    await system.services.payments.start();
    const orders = await Promise.all(orderIds.map((id) => shop.waitForStatus(id, undefined, 60_000)));
    expect(orders.filter((o) => o.status === "COMPLETED")).toHaveLength(24);
    expect(orders.filter((o) => o.status === "CANCELLED" && o.cancelReason === "payment_declined")).toHaveLength(6);
    await waitFor(async () => (await shop.stockOf("HOODIE-GRY-M")).onHand === 1_000 - 24, { what: "stock to add up", timeoutMs: 30_000 });
    expect(await shop.stockOf("HOODIE-GRY-M")).toMatchObject({ onHand: 976, reserved: 0 });
    for (const id of orderIds) expect((await shop.intentsOf(id)).length).toBeLessThanOrEqual(1);
  });
});

describe("the streams", () => {
  it("every message in every stream parses against contracts/, and the DLQ is empty", async () => {
    for (const stream of ["ORDERS", "INVENTORY", "PAYMENTS", "SHIPPING"]) expect((await bus.parseAll(stream)).length).toBeGreaterThan(0);
    expect((await bus.jsm.streams.info("DLQ")).state.messages).toBe(0);
  });
});
