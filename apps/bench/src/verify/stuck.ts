import { openReader } from "./orders-db.ts";

export interface StuckOrder {
  orderId: string;
  status: string;
  cancelReason: string | null;
  /** the facts the orders service has seen about it */
  facts: string[];
  /** its timeline in the orders DB: `source:type` in order */
  timeline: string[];
  reservation: string | null;
  payment: string | null;
}

/**
 * For the first few accepted orders that did not finish, what each service knows about them, read
 * before the run's databases are dropped: enough to start looking for the cause.
 */
export async function describeStuck(urls: { orders: string; inventory: string; payments: string }, { limit = 5 } = {}): Promise<StuckOrder[]> {
  const orders = openReader(urls.orders);
  const inventory = openReader(urls.inventory);
  const payments = openReader(urls.payments);
  try {
    const stuck = await orders<Array<{ id: string; status: string; cancel_reason: string | null; facts: string[] }>>`
      SELECT id, status, cancel_reason, facts FROM orders WHERE status NOT IN ('COMPLETED', 'CANCELLED') ORDER BY created_at LIMIT ${limit}`;
    return await Promise.all(
      stuck.map(async (order) => {
        const timeline = await orders<Array<{ source: string; type: string }>>`SELECT source, type FROM order_timeline WHERE order_id = ${order.id} ORDER BY at, event_id`;
        const [reservation] = await inventory<Array<{ status: string; release_reason: string | null }>>`SELECT status, release_reason FROM reservations WHERE order_id = ${order.id}`;
        const [payment] = await payments<Array<{ status: string; last_error: string | null; cancel_requested: boolean }>>`SELECT status, last_error, cancel_requested FROM payments WHERE order_id = ${order.id}`;
        return {
          orderId: order.id,
          status: order.status,
          cancelReason: order.cancel_reason,
          facts: order.facts,
          timeline: timeline.map((t) => `${t.source}:${t.type}`),
          reservation: reservation ? `${reservation.status}${reservation.release_reason ? ` (${reservation.release_reason})` : ""}` : null,
          payment: payment ? `${payment.status}${payment.cancel_requested ? ", cancel requested" : ""}${payment.last_error ? `, last error: ${payment.last_error}` : ""}` : null,
        };
      }),
    );
  } finally {
    await Promise.all([orders.end(), inventory.end(), payments.end()]);
  }
}
