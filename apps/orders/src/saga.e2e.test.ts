import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { environment } from "@checkout/config";
import { contractForType } from "@checkout/contracts";
import { serverFeatures } from "@checkout/messaging";
import { ADDRESS, connectBus, shopper, startSystem, waitFor, type Bus, type TestSystem } from "@checkout/testing";

// Every path of the choreography (ARCHITECTURE §3) across all the services, each its own process.
// The carrier of this system does not serve Iceland, so an order to IS is refused at shipping.

let system: TestSystem;
let bus: Bus;
let shop: ReturnType<typeof shopper>;
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const mailsOf = async (orderId: string) => {
  const response = await fetch(`${system.url("notifications")}/api/mailbox?orderId=${orderId}`);
  const body = (await response.json()) as { items: Array<{ kind: string; to: string; subject: string; text: string }> };
  return body.items;
};
const shipmentOf = async (orderId: string) => (await fetch(`${system.url("shipping")}/api/shipments/${orderId}`)).json() as Promise<{ status: string; trackingNumber: string }>;
// asynchronous, so the test's event loop keeps running: a blocked loop misses the servers closing idle
// keep-alive connections, and the next request on one fails with "other side closed"
const checkoutCli = (...args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ["apps/cli/bin/checkout.js", ...args, "--server", system.nats.url], { cwd: ROOT, encoding: "utf8", timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

beforeAll(async () => {
  system = await startSystem({ label: "saga", env: { shipping: { CARRIER_UNSERVED_COUNTRIES: "AQ,KP,IS" } } });
  bus = await connectBus(system.nats.url);
  shop = shopper({ orders: system.url("orders"), inventory: system.url("inventory"), stripe: system.url("stripe-sim") });
});

afterAll(async () => {
  await bus?.close();
  await system?.stop();
});

describe("the happy path", () => {
  it("COMPLETED: one capture of exactly the total, stock committed, one shipment, one confirmation and one shipped mail", async () => {
    await shop.setStock("MUG-LOGO", 10);
    await shop.setStock("CAP-NAVY", 10);
    const cartId = await shop.cartWith([{ sku: "MUG-LOGO", qty: 2 }, { sku: "CAP-NAVY", qty: 1 }]);
    const accepted = await shop.checkout(cartId);
    expect(accepted.status).toBe(202);
    const { orderId, total } = await shop.json(accepted);

    const order = await shop.waitForStatus(orderId);
    expect(order).toMatchObject({ status: "COMPLETED", pricing: { total: total.amount } });
    const intents = await shop.intentsOf(orderId);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ status: "succeeded", amount: total.amount, amount_captured: total.amount, amount_refunded: 0 });
    expect(await shop.stockOf("MUG-LOGO")).toMatchObject({ onHand: 8, reserved: 0 });
    expect(await shop.stockOf("CAP-NAVY")).toMatchObject({ onHand: 9, reserved: 0 });
    const shipment = await shipmentOf(orderId);
    expect(shipment.status).toBe("created");
    expect(order.tracking.trackingNumber).toBe(shipment.trackingNumber);

    const mails = await waitFor(async () => {
      const found = await mailsOf(orderId);
      return found.length >= 2 ? found : undefined;
    }, { what: "the mails" });
    expect(mails.map((m) => m.kind).sort()).toEqual(["confirmed", "shipped"]);
    expect(mails.find((m) => m.kind === "shipped")!.text).toContain(shipment.trackingNumber);
    expect(mails.every((m) => m.to === "ada@example.com")).toBe(true);

    const types = order.timeline.map((e: { type: string; source: string }) => `${e.source}:${e.type}`);
    expect(types).toEqual(expect.arrayContaining([
      "orders:OrderPlaced", "inventory:InventoryReserved", "payments:PaymentAuthorized", "orders:OrderConfirmed",
      "inventory:InventoryCommitted", "shipping:ShipmentCreated", "payments:PaymentCaptured", "orders:OrderCompleted",
    ]));

    const trace = await checkoutCli("trace", orderId);
    expect(trace.status, trace.stderr).toBe(0);
    for (const type of ["OrderPlaced", "InventoryReserved", "PaymentAuthorized", "OrderConfirmed", "InventoryCommitted", "ShipmentCreated", "PaymentCaptured", "OrderCompleted"]) {
      expect(trace.stdout).toContain(type);
    }
    expect(trace.stdout).toContain(shipment.trackingNumber);

    // cancelling a shipped order is refused
    const refused = await shop.cancel(orderId);
    expect(refused.status).toBe(409);
    expect(await shop.json(refused)).toMatchObject({ code: "order_handed_over" });
  });

  it("every event of a finished order delivered again changes nothing", async () => {
    await shop.setStock("TOTE-CANVAS", 5);
    const orderId = await shop.placeOrder([{ sku: "TOTE-CANVAS", qty: 1 }]);
    await shop.waitForStatus(orderId);
    await waitFor(async () => (await mailsOf(orderId)).length === 2, { what: "both mails" });
    const before = { order: await shop.order(orderId), stock: await shop.stockOf("TOTE-CANVAS"), intents: await shop.intentsOf(orderId) };
    for (const stream of ["ORDERS", "INVENTORY", "PAYMENTS", "SHIPPING"] as const) {
      for (const [, { last }] of await bus.eventsFor(stream, orderId)) await bus.publish(last, { msgID: `${last.id}-replayed` });
    }
    for (const [stream, durable] of [["ORDERS", "inventory-orders"], ["ORDERS", "payments-orders"], ["ORDERS", "shipping-orders"], ["ORDERS", "notifications-orders"], ["INVENTORY", "orders-inventory"], ["PAYMENTS", "orders-payments"], ["SHIPPING", "payments-shipping"], ["SHIPPING", "orders-shipping"]] as const) {
      await bus.settled(stream, durable);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = { order: await shop.order(orderId), stock: await shop.stockOf("TOTE-CANVAS"), intents: await shop.intentsOf(orderId) };
    expect(after.order.status).toBe(before.order.status);
    expect(after.order.version).toBe(before.order.version);
    expect(after.stock).toEqual(before.stock);
    expect(after.intents).toEqual(before.intents);
    expect(await mailsOf(orderId)).toHaveLength(2);
  });

  it("SSE: a client that connects right after checkout sees every status change in order", async () => {
    await shop.setStock("SOCKS-STRIPE", 5);
    const orderId = await shop.placeOrder([{ sku: "SOCKS-STRIPE", qty: 1 }]);
    const response = await shop.fetch(`${system.url("orders")}/api/orders/${orderId}/events`);
    const text = await response.text(); // the stream ends after the terminal status
    const statuses = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!).status);
    expect(statuses).toEqual(["PENDING", "CONFIRMED", "COMPLETED"]);
  });
});

describe("compensations", () => {
  it("shipping refused: CANCELLED(shipping_failed), authorization voided, stock back to where it was, a cancellation mail", async () => {
    await shop.setStock("HOODIE-GRY-L", 4);
    const orderId = await shop.placeOrder([{ sku: "HOODIE-GRY-L", qty: 2 }], { address: { ...ADDRESS, region: "IS", country: "IS", city: "Reykjavik" } });
    const order = await shop.waitForStatus(orderId, ["CANCELLED"]);
    expect(order).toMatchObject({ status: "CANCELLED", cancelReason: "shipping_failed" });
    expect(await shop.intentsOf(orderId)).toMatchObject([{ status: "canceled", amount_captured: 0 }]);
    expect(await shop.stockOf("HOODIE-GRY-L")).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    const mails = await waitFor(async () => {
      const found = await mailsOf(orderId);
      return found.some((m) => m.kind === "cancelled") ? found : undefined;
    }, { what: "the cancellation mail" });
    expect(mails.filter((m) => m.kind === "cancelled")).toHaveLength(1);
    const trace = await checkoutCli("trace", orderId);
    expect(trace.status, trace.stderr).toBe(0);
    for (const type of ["ShipmentFailed", "OrderCancelled", "PaymentVoided", "InventoryReleased"]) expect(trace.stdout).toContain(type);
  });

  it("the shopper cancels a confirmed order: voided and restocked; the shipment that comes later is cancelled too", async () => {
    await system.services.shipping.stop(); // the order stays CONFIRMED while nobody ships it
    try {
      await shop.setStock("TSHIRT-BLK-L", 3);
      const orderId = await shop.placeOrder([{ sku: "TSHIRT-BLK-L", qty: 1 }]);
      await shop.waitForStatus(orderId, ["CONFIRMED"]);
      const accepted = await shop.cancel(orderId);
      expect(accepted.status).toBe(202);
      const order = await shop.waitForStatus(orderId, ["CANCELLED"]);
      expect(order.cancelReason).toBe("customer_request");
      expect(await shop.intentsOf(orderId)).toMatchObject([{ status: "canceled" }]);
      expect(await shop.stockOf("TSHIRT-BLK-L")).toMatchObject({ onHand: 3, reserved: 0 });
      await system.services.shipping.start();
      await bus.settled("ORDERS", "shipping-orders");
      expect(["cancelled", undefined]).toContain((await shipmentOf(orderId)).status);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await shop.order(orderId)).status).toBe("CANCELLED");
      expect(await shop.intentsOf(orderId)).toMatchObject([{ status: "canceled", amount_captured: 0 }]);
    } finally {
      if (!(await fetch(`${system.url("shipping")}/healthz`).catch(() => undefined))) await system.services.shipping.start();
    }
  });
});

describe("the streams", () => {
  it("every message parses against contracts/ and the DLQ is empty", async () => {
    for (const stream of ["ORDERS", "INVENTORY", "PAYMENTS", "SHIPPING"]) {
      for (const event of await bus.parseAll(stream)) expect(contractForType(event.type)).toBeDefined();
    }
    expect((await bus.jsm.streams.info("DLQ")).state.messages).toBe(0);
  });

  it("the consumers filter as the server allows: the events each service handles on 2.10+ (ADR 0013), the whole stream on 2.9", async () => {
    const { config } = await bus.jsm.consumers.info("ORDERS", "shipping-orders");
    const filter = config.filter_subjects ?? [config.filter_subject];
    const { filterSubjects, version } = serverFeatures(bus.nc);
    expect(filter).toEqual(filterSubjects ? ["orders.cancelled.*", "orders.confirmed.*"] : ["orders.>"]);
    // npm run test:e2e:nats-2.10: make sure the binary it names is one (startNatsServer does not check)
    if (environment().NATS_SERVER_EXPECT_2_10) expect(filterSubjects, `the nats-server of NATS_SERVER_BIN is ${version}`).toBe(true);
  });
});
