import { transaction, type Sql, type TransactionSql } from "@checkout/db";

type Db = Sql | TransactionSql;

export const WORK_CHANNEL = "checkout_payments_work";

export interface Payment {
  orderId: string;
  amount: number | null;
  currency: string | null;
  paymentMethod: string | null;
  reservationId: string | null;
  reservationExpiresAt: Date | null;
  status: string;
  paymentIntentId: string | null;
  failureReason: string | null;
  declineCode: string | null;
  attempts: number;
  lastError: string | null;
  cancelRequested: boolean;
  cancelReason: string | null;
  capturedAmount: number | null;
  /** the step a `parked` payment was in, handed back to the worker by retryParked */
  parkedStep: ParkedStep | null;
}

export type ParkedStep = "capturing" | "voiding" | "refunding";

const columns = (sql: Db) => sql`
  order_id AS "orderId", amount, currency, payment_method AS "paymentMethod", reservation_id AS "reservationId",
  reservation_expires_at AS "reservationExpiresAt", status, payment_intent_id AS "paymentIntentId",
  failure_reason AS "failureReason", decline_code AS "declineCode", attempts, last_error AS "lastError",
  cancel_requested AS "cancelRequested", cancel_reason AS "cancelReason", captured_amount AS "capturedAmount",
  parked_step AS "parkedStep"`;

/**
 * Records one half of what authorization needs and, when the row now has both halves and is still
 * waiting, marks it due for the worker and wakes it. The upsert locks the row, so of two halves arriving
 * at the same time the second one sees the first: exactly one of them makes it due. Two statements sent
 * together (one round trip, none when the caller defers it); PostgreSQL runs them in this order.
 */
export async function recordHalf(
  sql: Db,
  orderId: string,
  half: { amount: number; currency: string; paymentMethod: string } | { reservationId: string; reservationExpiresAt: Date },
): Promise<void> {
  const order = "amount" in half ? half : { amount: null, currency: null, paymentMethod: null };
  const hold = "reservationId" in half ? half : { reservationId: null, reservationExpiresAt: null };
  // a new row has one half only, so it waits; an existing one becomes due if it waited for this half
  const becomesDue = sql`payments.status = 'waiting' AND coalesce(payments.amount, EXCLUDED.amount) IS NOT NULL AND coalesce(payments.reservation_id, EXCLUDED.reservation_id) IS NOT NULL`;
  await Promise.all([
    sql`
      INSERT INTO payments (order_id, amount, currency, payment_method, reservation_id, reservation_expires_at)
      VALUES (${orderId}, ${order.amount}, ${order.currency}, ${order.paymentMethod}, ${hold.reservationId}, ${hold.reservationExpiresAt})
      ON CONFLICT (order_id) DO UPDATE SET
        amount = coalesce(payments.amount, EXCLUDED.amount),
        currency = coalesce(payments.currency, EXCLUDED.currency),
        payment_method = coalesce(payments.payment_method, EXCLUDED.payment_method),
        reservation_id = coalesce(payments.reservation_id, EXCLUDED.reservation_id),
        reservation_expires_at = coalesce(payments.reservation_expires_at, EXCLUDED.reservation_expires_at),
        status = CASE WHEN ${becomesDue} THEN 'authorizing' ELSE payments.status END,
        next_attempt_at = CASE WHEN ${becomesDue} THEN now() ELSE payments.next_attempt_at END,
        updated_at = now()`,
    sql`SELECT pg_notify(${WORK_CHANNEL}, '') FROM payments WHERE order_id = ${orderId} AND status = 'authorizing'`,
  ]);
}

/** Leases up to `limit` due rows to this worker; a crashed worker's lease runs out and another takes over. */
export async function claimDue(sql: Db, { limit, leaseMs }: { limit: number; leaseMs: number }): Promise<Payment[]> {
  return sql<Payment[]>`
    UPDATE payments SET lease_until = now() + ${leaseMs} * interval '1 millisecond', attempts = attempts + 1, updated_at = now()
    WHERE order_id IN (
      SELECT order_id FROM payments
      WHERE status IN ('authorizing', 'capturing', 'voiding', 'refunding') AND next_attempt_at <= now()
        AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING ${columns(sql)}`;
}

export async function lockPayment(sql: Db, orderId: string): Promise<Payment | undefined> {
  const [row] = await sql<Payment[]>`SELECT ${columns(sql)} FROM payments WHERE order_id = ${orderId} FOR UPDATE`;
  return row;
}

export async function findPayment(sql: Db, orderId: string): Promise<Payment | undefined> {
  const [row] = await sql<Payment[]>`SELECT ${columns(sql)} FROM payments WHERE order_id = ${orderId}`;
  return row;
}

export async function settle(
  sql: Db,
  orderId: string,
  change: {
    status: string;
    paymentIntentId?: string | null;
    failureReason?: string | null;
    declineCode?: string | null;
    failureMessage?: string | null;
    capturedAmount?: number | null;
    refundId?: string | null;
    /** with status `parked`: the step that was refused */
    parkedStep?: ParkedStep | null;
  },
): Promise<void> {
  await sql`
    UPDATE payments SET status = ${change.status}, parked_step = ${change.parkedStep ?? null},
      payment_intent_id = coalesce(${change.paymentIntentId ?? null}, payment_intent_id),
      captured_amount = coalesce(${change.capturedAmount ?? null}, captured_amount),
      refund_id = coalesce(${change.refundId ?? null}, refund_id),
      failure_reason = ${change.failureReason ?? null}, decline_code = ${change.declineCode ?? null},
      failure_message = ${change.failureMessage ?? null}, lease_until = NULL, next_attempt_at = NULL, updated_at = now()
    WHERE order_id = ${orderId}`;
}

export async function retryLater(sql: Db, orderId: string, { delayMs, error }: { delayMs: number; error: string }): Promise<void> {
  await sql`
    UPDATE payments SET next_attempt_at = now() + ${delayMs} * interval '1 millisecond', lease_until = NULL,
      last_error = ${error}, updated_at = now()
    WHERE order_id = ${orderId}`;
}

/** Hands a step (capturing, voiding, refunding) to the worker, due now. */
export async function startStep(sql: Db, orderId: string, status: "capturing" | "voiding" | "refunding"): Promise<void> {
  // one round trip: PostgreSQL runs the two in this order
  await Promise.all([
    sql`
      UPDATE payments SET status = ${status}, attempts = 0, next_attempt_at = now(), lease_until = NULL, last_error = NULL, updated_at = now()
      WHERE order_id = ${orderId}`,
    sql`SELECT pg_notify(${WORK_CHANNEL}, '')`,
  ]);
}

/** Notes a cancellation; an order payments has not seen yet gets a `cancelled` row that nothing will authorize. */
export async function noteCancellation(sql: Db, orderId: string, reason: string): Promise<Payment> {
  const [, [row]] = await Promise.all([
    sql`INSERT INTO payments (order_id, status, cancel_requested, cancel_reason) VALUES (${orderId}, 'cancelled', true, ${reason}) ON CONFLICT DO NOTHING`,
    sql<Payment[]>`
      UPDATE payments SET cancel_requested = true, cancel_reason = coalesce(cancel_reason, ${reason}), updated_at = now()
      WHERE order_id = ${orderId} RETURNING ${columns(sql)}`,
  ]);
  return row!;
}

/** Why a parked step cannot be retried: no such payment, or not parked (or parked without a known step). */
export type RetryRefusal = { refused: "not_found" } | { refused: "not_parked"; status: string } | { refused: "step_unknown" };

/**
 * Hands a parked step back to the worker: the status it was in, due now, attempts from zero, and a
 * NOTIFY that wakes the worker. The row is locked, so of two retries at once exactly one succeeds.
 */
export async function retryParked(sql: Sql, orderId: string): Promise<Payment | RetryRefusal> {
  return transaction(sql, async (tx): Promise<Payment | RetryRefusal> => {
    const payment = await lockPayment(tx, orderId);
    if (!payment) return { refused: "not_found" };
    if (payment.status !== "parked") return { refused: "not_parked", status: payment.status };
    if (!payment.parkedStep) return { refused: "step_unknown" };
    const [row] = await tx<Payment[]>`
      UPDATE payments SET status = parked_step, parked_step = NULL, attempts = 0, next_attempt_at = now(), lease_until = NULL,
        last_error = NULL, failure_message = NULL, updated_at = now()
      WHERE order_id = ${orderId} RETURNING ${columns(tx)}`;
    await tx`SELECT pg_notify(${WORK_CHANNEL}, '')`;
    return row!;
  });
}
