import type { Address, CancelReason, OrderStatus, PriceSnapshot } from "@checkout/contracts";
import type { Sql, TransactionSql } from "@checkout/db";
import type { JSONValue } from "postgres";
import type { OrderLine } from "../../domain/price-order.ts";

export interface NewOrder {
  id: string;
  /** the user who placed it (the token's sub) */
  userId: string;
  cartId: string;
  email: string;
  lines: OrderLine[];
  pricing: PriceSnapshot;
  shippingAddress: Address;
  paymentMethod: string;
  idempotencyKey: string;
  requestHash: string;
  at: Date;
  /** an order refused at checkout (a SKU known to be sold out): written CANCELLED with this reason, never PENDING */
  refused?: { reason: CancelReason; detail: string };
}

/** An order already placed under an Idempotency-Key. */
export interface PlacedOrder {
  id: string;
  status: OrderStatus;
  requestHash: string | null;
  pricing: PriceSnapshot;
  cancelReason: CancelReason | null;
  cancelDetail: string | null;
}

export interface OrderRecord {
  id: string;
  /** who placed it; null for orders from before users */
  userId: string | null;
  status: OrderStatus;
  version: number;
  cancelReason: CancelReason | null;
  cancelDetail: string | null;
  tracking: { carrier: string; trackingNumber: string } | null;
  pricing: PriceSnapshot;
  lines: OrderLine[];
  createdAt: Date;
  updatedAt: Date;
}

export interface TimelineRecord {
  type: string;
  at: Date;
  source: string;
  detail: Record<string, unknown> | null;
}

const json = (sql: Sql | TransactionSql, value: unknown) => sql.json(value as JSONValue);

export type InsertOutcome = { inserted: true } | { inserted: false; existing: PlacedOrder } | { inserted: false; cartOrdered: true };

/**
 * What a new order's placement writes besides the order: its first timeline entry and its OrderPlaced
 * (its OrderRefused when refused at checkout).
 */
export interface Placement {
  timeline: { eventId: string; type: string; source: string; at: Date; detail: Record<string, unknown> };
  outbox: { event_id: string; subject: string; payload: string; traceparent: string | null };
  /** the relay's LISTEN channel, notified when the row is written */
  channel: string;
}

/**
 * Inserts PENDING orders (CANCELLED for those refused at checkout), each with its first timeline entry
 * and its outbox row, as one statement: one round trip for all of them (the checkouts that arrive
 * together), and atomic without BEGIN and COMMIT (a statement is a transaction). A timeline entry and an
 * outbox row are written only for an order that was (they join the INSERT's RETURNING), and the relay
 * is woken only then. Returns one outcome per order, in the order given.
 *
 * An order is not inserted when the user already placed one with the same Idempotency-Key (the UNIQUE
 * index on (user_id, idempotency_key) is the last line of defence against a second order): it is then
 * answered with that one; nor when its cart already became an order under another key (`cartOrdered`).
 * A concurrent insert of the same key or cart waits for the other transaction and sees its row: every
 * unique index is an arbiter of the ON CONFLICT (naming one would let another index, checked first,
 * raise a unique violation instead), and two orders of one batch that clash are one insert and one
 * conflict.
 */
export async function placePendingOrders(sql: Sql | TransactionSql, orders: Array<{ order: NewOrder; placement: Placement }>): Promise<InsertOutcome[]> {
  if (orders.length === 0) return [];
  const channel = orders[0]!.placement.channel;
  const rows = orders.map(({ order, placement: { timeline, outbox } }) => ({
    id: order.id,
    user_id: order.userId,
    cart_id: order.cartId,
    customer_email: order.email,
    lines: order.lines,
    pricing: order.pricing,
    shipping_address: order.shippingAddress,
    payment_method: order.paymentMethod,
    idempotency_key: order.idempotencyKey,
    request_hash: order.requestHash,
    status: order.refused ? "CANCELLED" : "PENDING",
    cancel_reason: order.refused?.reason ?? null,
    cancel_detail: order.refused?.detail ?? null,
    at: order.at.toISOString(),
    event_id: timeline.eventId,
    event_type: timeline.type,
    event_source: timeline.source,
    event_at: timeline.at.toISOString(),
    event_detail: timeline.detail,
    subject: outbox.subject,
    payload: outbox.payload,
    traceparent: outbox.traceparent,
  }));
  const [result] = await sql<{ placed: string[] }[]>`
    WITH given AS (
      SELECT * FROM jsonb_to_recordset(${json(sql, rows)}) AS g(
        id uuid, user_id text, cart_id uuid, customer_email text, lines jsonb, pricing jsonb, shipping_address jsonb,
        payment_method text, idempotency_key text, request_hash text, status text, cancel_reason text, cancel_detail text, at timestamptz,
        event_id text, event_type text, event_source text, event_at timestamptz, event_detail jsonb,
        subject text, payload text, traceparent text)
    ), placed AS (
      INSERT INTO orders (id, user_id, cart_id, status, cancel_reason, cancel_detail, customer_email, lines, pricing, shipping_address,
                          payment_method, idempotency_key, request_hash, created_at, updated_at)
      SELECT id, user_id, cart_id, status, cancel_reason, cancel_detail, customer_email, lines, pricing, shipping_address,
             payment_method, idempotency_key, request_hash, at, at FROM given
      ON CONFLICT DO NOTHING
      RETURNING id
    ), noted AS (
      INSERT INTO order_timeline (order_id, event_id, type, source, at, detail)
      SELECT g.id, g.event_id, g.event_type, g.event_source, g.event_at, g.event_detail FROM given g JOIN placed p ON p.id = g.id
    ), queued AS (
      INSERT INTO outbox (event_id, subject, payload, traceparent)
      SELECT g.event_id, g.subject, g.payload, g.traceparent FROM given g JOIN placed p ON p.id = g.id
      RETURNING 1
    )
    SELECT array(SELECT id::text FROM placed) AS placed, (SELECT pg_notify(${channel}, '') FROM queued LIMIT 1) AS woke`;
  const placed = new Set(result!.placed);
  const outcomes: InsertOutcome[] = [];
  for (const { order } of orders) outcomes.push(placed.has(order.id) ? { inserted: true } : await conflictOf(sql, order));
  return outcomes;
}

/** Why an order was not inserted: the order already placed with its key, or its cart's order. */
async function conflictOf(sql: Sql | TransactionSql, order: NewOrder): Promise<InsertOutcome> {
  const existing = await selectOrderByIdempotencyKey(sql, order.userId, order.idempotencyKey);
  if (existing) return { inserted: false, existing };
  const [ordered] = await sql`SELECT 1 FROM orders WHERE cart_id = ${order.cartId}`;
  if (!ordered) throw new Error(`order ${order.id} conflicted with an order that vanished`);
  return { inserted: false, cartOrdered: true };
}

/** The order `userId` placed with `idempotencyKey`, if any. */
export async function selectOrderByIdempotencyKey(sql: Sql | TransactionSql, userId: string, idempotencyKey: string): Promise<PlacedOrder | undefined> {
  const [row] = await sql<{ id: string; status: OrderStatus; request_hash: string | null; pricing: PriceSnapshot; cancel_reason: CancelReason | null; cancel_detail: string | null }[]>`
    SELECT id, status, request_hash, pricing, cancel_reason, cancel_detail FROM orders WHERE user_id = ${userId} AND idempotency_key = ${idempotencyKey}`;
  return row && { id: row.id, status: row.status, requestHash: row.request_hash, pricing: row.pricing, cancelReason: row.cancel_reason, cancelDetail: row.cancel_detail };
}

export async function insertTimelineEntry(
  tx: TransactionSql,
  entry: { orderId: string; eventId: string; type: string; source: string; at: Date; detail?: Record<string, unknown> },
): Promise<void> {
  await tx`
    INSERT INTO order_timeline (order_id, event_id, type, source, at, detail)
    VALUES (${entry.orderId}, ${entry.eventId}, ${entry.type}, ${entry.source}, ${entry.at}, ${entry.detail ? json(tx, entry.detail) : null})
    ON CONFLICT DO NOTHING`;
}

export async function selectOrder(sql: Sql, orderId: string): Promise<OrderRecord | undefined> {
  const [row] = await sql<
    {
      id: string;
      user_id: string | null;
      status: OrderStatus;
      version: number;
      cancel_reason: CancelReason | null;
      cancel_detail: string | null;
      tracking: OrderRecord["tracking"];
      pricing: PriceSnapshot;
      lines: OrderLine[];
      created_at: Date;
      updated_at: Date;
    }[]
  >`SELECT id, user_id, status, version, cancel_reason, cancel_detail, tracking, pricing, lines, created_at, updated_at FROM orders WHERE id = ${orderId}`;
  if (!row) return undefined;
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    version: row.version,
    cancelReason: row.cancel_reason,
    cancelDetail: row.cancel_detail,
    tracking: row.tracking,
    pricing: row.pricing,
    lines: row.lines,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function selectTimeline(sql: Sql, orderId: string): Promise<TimelineRecord[]> {
  return sql<TimelineRecord[]>`
    SELECT type, at, source, detail FROM order_timeline WHERE order_id = ${orderId} ORDER BY at, event_id`;
}

/** Orders still on their way (neither COMPLETED nor CANCELLED): the saga's backlog, for admission. */
export async function countOpenOrders(sql: Sql): Promise<number> {
  const [row] = await sql<{ open: number }[]>`
    SELECT count(*)::int AS open FROM orders WHERE status IN ('PENDING', 'CONFIRMED', 'CANCELLING')`;
  return row!.open;
}
