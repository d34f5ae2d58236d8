import type { Sql, TransactionSql } from "@checkout/db";
import type { Address, CancelReason, OrderStatus, PriceSnapshot } from "@checkout/contracts";
import type { FactName, OrderState } from "../domain/decide.ts";

type Db = Sql | TransactionSql;

export interface SagaOrder extends OrderState {
  id: string;
  userId: string | null;
  email: string;
  lines: Array<{ sku: string; qty: number }>;
  pricing: PriceSnapshot;
  shippingAddress: Address;
}

/** The order, locked for the rest of the transaction, so that two facts about it apply one after the other. */
export async function lockOrder(sql: Db, orderId: string): Promise<SagaOrder | undefined> {
  const [row] = await sql<Array<SagaOrder & { facts: FactName[] }>>`
    SELECT id, status, cancel_reason AS "cancelReason", facts, payment_intent_id AS "paymentIntentId", reservation_id AS "reservationId",
           user_id AS "userId", customer_email AS email, lines, pricing, shipping_address AS "shippingAddress"
    FROM orders WHERE id = ${orderId} FOR UPDATE`;
  return row;
}

export async function storeState(sql: Db, orderId: string, state: OrderState, extra: { cancelDetail?: string | undefined; tracking?: unknown } = {}): Promise<void> {
  await sql`
    UPDATE orders SET
      status = ${state.status as OrderStatus},
      cancel_reason = ${state.cancelReason as CancelReason | null},
      cancel_detail = coalesce(${extra.cancelDetail ?? null}, cancel_detail),
      facts = ${state.facts as string[]}::text[],
      payment_intent_id = ${state.paymentIntentId},
      reservation_id = ${state.reservationId},
      tracking = coalesce(${extra.tracking ? sql.json(extra.tracking as never) : null}, tracking),
      updated_at = now()
    WHERE id = ${orderId}`;
}

export interface TimelineEntry {
  eventId: string;
  type: string;
  source: string;
  at: string;
  detail?: Record<string, unknown>;
}

/** Adds facts to the order's timeline, in one statement; the same event twice is one entry. */
export async function addTimeline(sql: Db, orderId: string, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(({ eventId, type, source, at, detail }) => ({ order_id: orderId, event_id: eventId, type, source, at, detail: detail ?? null }));
  await sql`
    INSERT INTO order_timeline (order_id, event_id, type, source, at, detail)
    SELECT order_id, event_id, type, source, at, detail FROM jsonb_populate_recordset(NULL::order_timeline, ${sql.json(rows as never)})
    ON CONFLICT DO NOTHING`;
}
