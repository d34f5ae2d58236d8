import { plural, result, type CheckResult } from "../check.ts";
import { inFlight, isTerminal, type AuditOrder, type ReservationRow } from "../model.ts";

/**
 * 3. Stock held by reservations equals the live reservations: the KV bucket `reservations` (a
 * projection) has a key for exactly the orders whose reservation is `held`, and no COMPLETED or
 * CANCELLED order still holds one. Orders that changed within the settle window are left out.
 */
export function checkHolds(holds: string[] | null, reservations: ReservationRow[], orders: AuditOrder[], settleSeconds: number): CheckResult {
  const violations: string[] = [];
  const orderById = new Map(orders.map((order) => [order.id, order]));
  // the projection trails inventory by a moment: an order that changed within the window is excused
  // (whatever its status: a PENDING order's hold is exactly what the bucket must show)
  const settling = (orderId: string) => {
    const order = orderById.get(orderId);
    return order !== undefined && order.quietSeconds < settleSeconds;
  };
  const held = reservations.filter((r) => r.status === "held");

  if (holds === null) {
    if (held.length > 0) violations.push(`the KV bucket reservations does not exist, but ${plural(held.length, "reservation")} ${held.length === 1 ? "is" : "are"} held`);
  } else {
    const keys = new Set(holds);
    const heldIds = new Set(held.map((r) => r.orderId));
    for (const r of held) if (!keys.has(r.orderId) && !settling(r.orderId)) violations.push(`order ${r.orderId}: reservation ${r.id} is held but the KV bucket has no key for it`);
    for (const key of holds) if (!heldIds.has(key) && !settling(key)) violations.push(`order ${key}: the KV bucket has a hold, but inventory holds nothing for it`);
  }
  for (const r of held) {
    const order = orderById.get(r.orderId);
    if (order && isTerminal(order.status) && !inFlight(order, settleSeconds)) violations.push(`order ${order.id} is ${order.status} but still holds stock (reservation ${r.id} is held)`);
  }
  return result(
    3,
    "holds",
    "KV reservations = held reservations; no COMPLETED or CANCELLED order holds stock",
    `${plural(held.length, "held reservation")}, ${holds === null ? "no KV bucket" : plural(holds.length, "KV key")}`,
    violations,
  );
}
