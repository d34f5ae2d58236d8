import postgres from "postgres";

export interface FinalOrder {
  id: string;
  status: string;
  cancelReason: string | null;
  lines: Array<{ sku: string; qty: number }>;
  total: number;
}

/** Read-only access to the run's orders and inventory databases, for the checks after a run. */
export function openReader(url: string) {
  return postgres(url, { max: 2, onnotice: () => {} });
}
export type Reader = ReturnType<typeof openReader>;

export async function unfinishedOrders(orders: Reader): Promise<number> {
  const [row] = await orders<Array<{ n: number }>>`SELECT count(*)::int AS n FROM orders WHERE status NOT IN ('COMPLETED', 'CANCELLED')`;
  return row!.n;
}

export async function finalOrders(orders: Reader): Promise<Map<string, FinalOrder>> {
  const rows = await orders<Array<{ id: string; status: string; cancel_reason: string | null; lines: Array<{ sku: string; qty: number }>; total: number }>>`
    SELECT id, status, cancel_reason, lines, (pricing->>'total')::int AS total FROM orders`;
  return new Map(rows.map((r) => [r.id, { id: r.id, status: r.status, cancelReason: r.cancel_reason, lines: r.lines, total: r.total }]));
}

/**
 * When each order that went through CANCELLING (money or stock to give back) became CANCELLED, from the
 * orders service's status history (PostgreSQL's now() of that transaction, epoch ms).
 */
export async function compensatedAt(orders: Reader): Promise<Map<string, number>> {
  const rows = await orders<Array<{ order_id: string; at: Date }>>`
    SELECT done.order_id, done.at FROM order_status_history done
    WHERE done.status = 'CANCELLED'
      AND EXISTS (SELECT 1 FROM order_status_history h WHERE h.order_id = done.order_id AND h.status = 'CANCELLING')`;
  return new Map(rows.map((r) => [r.order_id, r.at.getTime()]));
}

export async function inventoryStock(inventory: Reader): Promise<Record<string, { onHand: number; reserved: number }>> {
  const rows = await inventory<Array<{ sku: string; on_hand: number; reserved: number }>>`SELECT sku, on_hand, reserved FROM stock`;
  return Object.fromEntries(rows.map((r) => [r.sku, { onHand: r.on_hand, reserved: r.reserved }]));
}
