// place-statement.ts <label>: checkout's placement statement (placePendingOrders) alone, 100 refused orders per statement,
// against the database s16exp (the orders migrations applied; see runs/place-statement.txt). It imports the orders
// code by a relative path: copy it into apps/orders/ and run `node --import tsx apps/orders/place-statement.ts <label>`.
// The two blocks at the end time JSON.stringify of a batch and write one batch to /tmp/s16/batch.json for EXPLAIN.
import postgres from "postgres";
import { randomUUID } from "node:crypto";
import { OrderRefused } from "@checkout/contracts";
import { OUTBOX_CHANNEL, outboxRow } from "@checkout/messaging";
import { placePendingOrders } from "./src/db/queries/orders.ts";
const sql = postgres("postgres://postgres@127.0.0.1:5432/s16exp", { onnotice: () => {}, max: 1 });
const ADDRESS = { name: "Ada Lovelace", line1: "1 Main St", city: "Portland", postalCode: "97201", region: "US-OR", country: "US" };
const mk = () => {
  const orderId = randomUUID(), at = new Date(), userId = `shopper-${randomUUID()}`;
  const refused = { reason: "out_of_stock" as const, detail: "BOTTLE-STEEL: sold out (refused at checkout)" };
  const event = OrderRefused.create(orderId, { orderId, ...refused, soldOut: ["BOTTLE-STEEL"], customer: { userId, email: "ada@example.com" } }, { time: at });
  const lines = [{ sku: "BOTTLE-STEEL", name: "Steel bottle", qty: 1, unitPrice: 2500, lineTotal: 2500 }];
  const pricing = { currency: "USD", subtotal: 2500, discount: 0, tax: 213, shipping: 599, total: 3312 };
  return { order: { id: orderId, userId, cartId: randomUUID(), email: "ada@example.com", lines, pricing, shippingAddress: ADDRESS, paymentMethod: "pm_card_visa", idempotencyKey: randomUUID(), requestHash: "h".repeat(64), at, refused },
    placement: { timeline: { eventId: event.id, type: "OrderRefused", source: "orders", at, detail: { status: "CANCELLED", reason: refused.reason, soldOut: ["BOTTLE-STEEL"] } }, outbox: outboxRow({ event, traceparent: "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01" }), channel: OUTBOX_CHANNEL } };
};
const label = process.argv[2] ?? "x";
const times: number[] = [];
for (let i = 0; i < 45; i++) {
  const batch = Array.from({ length: 100 }, mk);
  await sql.begin(async (tx) => {
    const t = performance.now();
    await placePendingOrders(tx as any, batch as any);
    if (i >= 5) times.push(performance.now() - t);
  });
}
times.sort((a, b) => a - b);
console.log(label, "ms per batch of 100: median", times[20].toFixed(2), "p10", times[4].toFixed(2), "p90", times[36].toFixed(2));
await sql`DELETE FROM outbox`;
await sql.end();
{
  const batch = Array.from({ length: 100 }, mk);
  const rows = batch.map(({ order, placement: { timeline, outbox } }) => ({ ...order, lines: order.lines, event_detail: timeline.detail, payload: outbox.payload }));
  for (let k = 0; k < 200; k++) JSON.stringify(rows);
  const t = performance.now(); let n = 0;
  for (let k = 0; k < 200; k++) n += JSON.stringify(rows).length;
  console.log("stringify 100 rows", ((performance.now() - t) / 200).toFixed(2), "ms", (n / 200 / 1024).toFixed(1), "KB");
}
{
  const { writeFileSync } = await import("node:fs");
  const batch = Array.from({ length: 100 }, mk);
  const rows = batch.map(({ order, placement: { timeline, outbox } }) => ({ id: order.id, user_id: order.userId, cart_id: order.cartId, customer_email: order.email, lines: order.lines, pricing: order.pricing, shipping_address: order.shippingAddress, payment_method: order.paymentMethod, idempotency_key: order.idempotencyKey, request_hash: order.requestHash, status: "CANCELLED", cancel_reason: order.refused.reason, cancel_detail: order.refused.detail, at: order.at.toISOString(), event_id: timeline.eventId, event_type: timeline.type, event_source: timeline.source, event_at: timeline.at.toISOString(), event_detail: timeline.detail, subject: outbox.subject, payload: outbox.payload, traceparent: outbox.traceparent }));
  writeFileSync("/tmp/s16/batch.json", JSON.stringify(rows));
}
