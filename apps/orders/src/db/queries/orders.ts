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
}

/** An order already placed under an Idempotency-Key. */
export interface PlacedOrder {
  id: string;
  status: OrderStatus;
  requestHash: string | null;
  pricing: PriceSnapshot;
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

/** What a new order's placement writes besides the order: its first timeline entry and its OrderPlaced. */
export interface Placement {
  timeline: { eventId: string; type: string; source: string; at: Date; detail: Record<string, unknown> };
  outbox: { event_id: string; subject: string; payload: string; traceparent: string | null };
  /** the relay's LISTEN channel, notified when the row is written */
  channel: string;
}

/**
 * Inserts a PENDING order with its first timeline entry and its outbox row, as one statement: one round
 * trip, and atomic without BEGIN and COMMIT (a statement is a transaction). The timeline entry and the
 * outbox row are written only if the order was (they select from the INSERT's RETURNING), and the relay
 * is woken only then.
 *
 * Unless the user already placed an order with the same Idempotency-Key (the UNIQUE index on (user_id,
 * idempotency_key) is the last line of defence against a second order): then it answers with that one
 * instead; or unless the cart already became an order under another key (`cartOrdered`). A concurrent
 * insert of the same key or cart waits for the other transaction and sees its row: every unique index is
 * an arbiter of the ON CONFLICT (naming one would let another index, checked first, raise a unique
 * violation instead).
 */
export async function placePendingOrder(sql: Sql | TransactionSql, order: NewOrder, { timeline, outbox, channel }: Placement): Promise<InsertOutcome> {
  const [row] = await sql<{ placed: number }[]>`
    WITH placed AS (
      INSERT INTO orders (id, user_id, cart_id, status, customer_email, lines, pricing, shipping_address, payment_method,
                          idempotency_key, request_hash, created_at, updated_at)
      VALUES (${order.id}, ${order.userId}, ${order.cartId}, 'PENDING', ${order.email}, ${json(sql, order.lines)}, ${json(sql, order.pricing)},
              ${json(sql, order.shippingAddress)}, ${order.paymentMethod}, ${order.idempotencyKey}, ${order.requestHash},
              ${order.at}, ${order.at})
      ON CONFLICT DO NOTHING
      RETURNING id
    ), noted AS (
      INSERT INTO order_timeline (order_id, event_id, type, source, at, detail)
      SELECT id, ${timeline.eventId}, ${timeline.type}, ${timeline.source}, ${timeline.at}, ${json(sql, timeline.detail)} FROM placed
    ), queued AS (
      INSERT INTO outbox (event_id, subject, payload, traceparent)
      SELECT ${outbox.event_id}, ${outbox.subject}, ${outbox.payload}, ${outbox.traceparent} FROM placed
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM placed)::int AS placed, (SELECT pg_notify(${channel}, '') FROM queued) AS woke`;
  if (row!.placed > 0) return { inserted: true };
  const existing = await selectOrderByIdempotencyKey(sql, order.userId, order.idempotencyKey);
  if (existing) return { inserted: false, existing };
  const [ordered] = await sql`SELECT 1 FROM orders WHERE cart_id = ${order.cartId}`;
  if (!ordered) throw new Error(`order ${order.id} conflicted with an order that vanished`);
  return { inserted: false, cartOrdered: true };
}

/** The order `userId` placed with `idempotencyKey`, if any. */
export async function selectOrderByIdempotencyKey(sql: Sql | TransactionSql, userId: string, idempotencyKey: string): Promise<PlacedOrder | undefined> {
  const [row] = await sql<{ id: string; status: OrderStatus; request_hash: string | null; pricing: PriceSnapshot }[]>`
    SELECT id, status, request_hash, pricing FROM orders WHERE user_id = ${userId} AND idempotency_key = ${idempotencyKey}`;
  return row && { id: row.id, status: row.status, requestHash: row.request_hash, pricing: row.pricing };
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
