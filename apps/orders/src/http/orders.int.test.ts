import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { OrderView } from "@checkout/contracts";
import { placePendingOrders, type NewOrder } from "../db/queries/orders.ts";
import { createOrdersApp } from "./app.ts";
import { ADDRESS, fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const body = (cartId: string) => ({ cartId, email: "grace@example.com", paymentMethod: "pm_card_visa", address: { ...ADDRESS, region: "US-NY" } });
const place = async (cartId: string, key: string) => {
  const response = await h.call("POST", "/api/checkout", body(cartId), { "Idempotency-Key": key });
  expect(response.status).toBe(202);
  return ((await response.json()) as { orderId: string }).orderId;
};

describe("GET /api/orders/:orderId", () => {
  it("shows status, pricing, lines and the timeline in time order", async () => {
    const orderId = await place(await h.cartWith({ "HOODIE-GRY-M": 1 }), "view-1");
    const [placed] = await h.sql<{ at: Date }[]>`SELECT at FROM order_timeline WHERE order_id = ${orderId}`;
    const later = new Date(placed!.at.getTime() + 1_000);
    await h.sql`INSERT INTO order_timeline (order_id, event_id, type, source, at, detail)
                VALUES (${orderId}, 'evt-reserved', 'InventoryReserved', 'inventory', ${later}, ${h.sql.json({ reservationId: "r-1" })})`;

    const response = await h.call("GET", `/api/orders/${orderId}`);
    expect(response.status).toBe(200);
    const view = OrderView.parse(await response.json());
    // 5500, 650 g domestic → 899, NY 4 % = 220
    expect(view).toMatchObject({
      orderId,
      status: "PENDING",
      cancelReason: null,
      pricing: { currency: "USD", subtotal: 5_500, discount: 0, tax: 220, shipping: 899, total: 6_619 },
      lines: [{ sku: "HOODIE-GRY-M", name: "Zip Hoodie, Heather Grey, M", qty: 1, unitPrice: 5_500, lineTotal: 5_500 }],
    });
    expect(view.timeline).toEqual([
      { type: "OrderPlaced", at: placed!.at.toISOString(), source: "orders", detail: { total: { amount: 6_619, currency: "USD" } } },
      { type: "InventoryReserved", at: later.toISOString(), source: "inventory", detail: { reservationId: "r-1" } },
    ]);
  });

  it("answers an absolute Location when a public URL is configured", async () => {
    const app = createOrdersApp({ ...h.deps, publicUrl: "https://shop.example/" });
    const response = await app.request("/api/checkout", {
      method: "POST",
      headers: { ...h.auth, "content-type": "application/json", "Idempotency-Key": "public-url-1" },
      body: JSON.stringify(body(await h.cartWith({ "CAP-NAVY": 1 }))),
    });
    expect(response.status).toBe(202);
    const { orderId, statusUrl } = (await response.json()) as { orderId: string; statusUrl: string };
    expect(statusUrl).toBe(`/api/orders/${orderId}`);
    expect(response.headers.get("location")).toBe(`https://shop.example/api/orders/${orderId}`);
  });

  it("404s an unknown order and 400s a malformed id, naming orderId", async () => {
    const unknown = await h.call("GET", "/api/orders/00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(await problemOf(unknown)).toMatchObject({ code: "order_not_found", errors: [{ field: "orderId" }] });
    const malformed = await h.call("GET", "/api/orders/12345");
    expect(malformed.status).toBe(400);
    expect(fieldsOf(await problemOf(malformed))).toEqual(["orderId"]);
  });
});

describe("the orders.idempotency_key column, the last line of defence", () => {
  it("keeps two instances whose idempotency records disagree to one order", async () => {
    // a second instance with its own (empty) bucket: the KV claim cannot protect, PostgreSQL must
    const otherKv = await new Kvm(h.nc).create("idempotency_other", { history: 1 });
    const other = createOrdersApp({ ...h.deps, idempotency: otherKv });
    const cartId = await h.cartWith({ "TSHIRT-BLK-L": 2 });
    const request = (app: typeof other) =>
      app.request("/api/checkout", { method: "POST", headers: { ...h.auth, "content-type": "application/json", "Idempotency-Key": "two-instances" }, body: JSON.stringify(body(cartId)) });

    const responses = await Promise.all([request(h.app), request(other), request(h.app), request(other)]);
    const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { orderId?: string } })));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted.length, JSON.stringify(answers)).toBeGreaterThanOrEqual(2);
    expect(new Set(accepted.map((a) => a.body.orderId)).size).toBe(1);
    expect(answers.every((a) => a.status === 202 || a.status === 409)).toBe(true);
    expect((await h.sql`SELECT id FROM orders WHERE idempotency_key = 'two-instances'`).length).toBe(1);
  });

  it("answers a concurrent insert of the same key with the order that won", async () => {
    const order = (id: string): NewOrder => ({
      id,
      userId: h.user,
      cartId: "5d0f6f7e-2a8b-4c3d-9e1f-0a1b2c3d4e5f",
      email: "x@example.com",
      lines: [{ sku: "MUG-LOGO", name: "Mug", qty: 1, unitPrice: 1_400, lineTotal: 1_400 }],
      pricing: { currency: "USD", subtotal: 1_400, discount: 0, tax: 0, shipping: 499, total: 1_899 },
      shippingAddress: ADDRESS,
      paymentMethod: "pm_card_visa",
      idempotencyKey: "race-1",
      requestHash: "h1",
      at: new Date(),
    });
    const a = "11111111-1111-4111-8111-111111111111";
    const b = "22222222-2222-4222-8222-222222222222";
    const placement = (id: string) => ({
      timeline: { eventId: `evt-${id}`, type: "OrderPlaced", source: "orders", at: new Date(), detail: {} },
      outbox: { event_id: `evt-${id}`, subject: `orders.placed.${id}`, payload: "{}", traceparent: null },
      channel: "race_test_channel",
    });
    // the first holds its insert (and the key's index entry) in an open transaction while the second runs
    const outcomes = await Promise.all([
      h.sql.begin(async (tx) => {
        const [outcome] = await placePendingOrders(tx, [{ order: order(a), placement: placement(a) }]);
        if (!outcome) throw new Error("no outcome");
        await new Promise((resolve) => setTimeout(resolve, 50));
        return outcome;
      }),
      new Promise((resolve) => setTimeout(resolve, 10)).then(async () => (await placePendingOrders(h.sql, [{ order: order(b), placement: placement(b) }]))[0]!),
    ]);
    const inserted = outcomes.filter((o) => o.inserted);
    expect(inserted).toHaveLength(1);
    const loser = outcomes.find((o) => !o.inserted);
    const [winner] = await h.sql`SELECT id FROM orders WHERE idempotency_key = 'race-1'`;
    expect(loser).toEqual({ inserted: false, existing: { id: winner!.id, status: "PENDING", requestHash: "h1", pricing: order(a).pricing, cancelReason: null, cancelDetail: null } });
    // the loser wrote neither a timeline entry nor an event
    const ids = [a, b];
    expect((await h.sql`SELECT order_id FROM order_timeline WHERE event_id = ANY(${ids.map((id) => `evt-${id}`)})`).map((r) => r.order_id)).toEqual([winner!.id]);
    expect((await h.sql`SELECT event_id FROM outbox WHERE event_id = ANY(${ids.map((id) => `evt-${id}`)})`).map((r) => r.event_id)).toEqual([`evt-${winner!.id}`]);
  });

  it("places a batch in one statement: each order once, two that share a key are one order and one answer", async () => {
    const base = (id: string, key: string, cartId: string): NewOrder => ({
      id,
      userId: h.user,
      cartId,
      email: "x@example.com",
      lines: [{ sku: "MUG-LOGO", name: "Mug", qty: 1, unitPrice: 1_400, lineTotal: 1_400 }],
      pricing: { currency: "USD", subtotal: 1_400, discount: 0, tax: 0, shipping: 499, total: 1_899 },
      shippingAddress: ADDRESS,
      paymentMethod: "pm_card_visa",
      idempotencyKey: key,
      requestHash: "h-batch",
      at: new Date(),
    });
    const ids = ["33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"];
    const carts = ["6d0f6f7e-2a8b-4c3d-9e1f-0a1b2c3d4e51", "6d0f6f7e-2a8b-4c3d-9e1f-0a1b2c3d4e52", "6d0f6f7e-2a8b-4c3d-9e1f-0a1b2c3d4e53"];
    const batch = [base(ids[0]!, "batch-1", carts[0]!), base(ids[1]!, "batch-1", carts[1]!), base(ids[2]!, "batch-2", carts[2]!)].map((order) => ({
      order,
      placement: {
        timeline: { eventId: `evt-${order.id}`, type: "OrderPlaced", source: "orders", at: order.at, detail: { n: 1 } },
        outbox: { event_id: `evt-${order.id}`, subject: `orders.placed.${order.id}`, payload: JSON.stringify({ id: order.id }), traceparent: null },
        channel: "batch_test_channel",
      },
    }));
    const outcomes = await placePendingOrders(h.sql, batch);
    expect(outcomes[0]).toEqual({ inserted: true });
    expect(outcomes[1]).toEqual({ inserted: false, existing: { id: ids[0], status: "PENDING", requestHash: "h-batch", pricing: batch[0]!.order.pricing, cancelReason: null, cancelDetail: null } });
    expect(outcomes[2]).toEqual({ inserted: true });
    const placed = await h.sql`SELECT id, cart_id, status FROM orders WHERE id = ANY(${ids}::uuid[]) ORDER BY id`;
    expect(placed.map((r) => [r.id, r.cart_id, r.status])).toEqual([[ids[0], carts[0], "PENDING"], [ids[2], carts[2], "PENDING"]]);
    const events = await h.sql`SELECT event_id, payload FROM outbox WHERE event_id = ANY(${ids.map((id) => `evt-${id}`)}) ORDER BY event_id`;
    expect(events.map((r) => [r.event_id, JSON.parse(r.payload as string).id])).toEqual([[`evt-${ids[0]}`, ids[0]], [`evt-${ids[2]}`, ids[2]]]);
    const timeline = await h.sql`SELECT order_id, type, detail FROM order_timeline WHERE order_id = ANY(${ids}::uuid[]) ORDER BY order_id`;
    expect(timeline.map((r) => [r.order_id, r.type, r.detail])).toEqual([[ids[0], "OrderPlaced", { n: 1 }], [ids[2], "OrderPlaced", { n: 1 }]]);
  });
});
