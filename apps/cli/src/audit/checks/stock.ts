import { plural, result, type CheckResult } from "../check.ts";
import { inFlight, sameLines, showLines, unitsBySku, type AuditOrder, type ReservationRow, type StockRow } from "../model.ts";

const SOLD = ["COMPLETED", "CONFIRMED"];
const HOLDING = ["held", "committed"];

/**
 * 2. No SKU sold more than it had. Inside inventory: 0 ≤ reserved ≤ on_hand, and `reserved` equals the
 * units of the `held` reservations. Across services: for every SKU, the units committed by inventory's
 * reservations equal the units of the orders that sold them (COMPLETED, or CONFIRMED and about to be),
 * and each such order's reservation is committed with its lines; a CANCELLED order's stock is not
 * committed. Orders in flight are left out on both sides.
 */
export function checkStock(stock: StockRow[], reservations: ReservationRow[], orders: AuditOrder[], settleSeconds: number): CheckResult {
  const violations: string[] = [];
  const bySku = new Map(stock.map((row) => [row.sku, row]));
  const held = unitsBySku(reservations.filter((r) => r.status === "held").flatMap((r) => r.lines));

  for (const row of stock) {
    if (row.onHand < 0) violations.push(`SKU ${row.sku}: on hand is ${row.onHand}`);
    if (row.reserved < 0) violations.push(`SKU ${row.sku}: reserved is ${row.reserved}`);
    if (row.reserved > row.onHand) violations.push(`SKU ${row.sku}: reserved ${row.reserved} > on hand ${row.onHand}`);
    const holding = held.get(row.sku) ?? 0;
    if (holding !== row.reserved) violations.push(`SKU ${row.sku}: reserved is ${row.reserved} but the held reservations hold ${holding}`);
  }
  for (const [sku, units] of held) if (!bySku.has(sku)) violations.push(`SKU ${sku}: held reservations hold ${units} but there is no stock row`);

  const orderById = new Map(orders.map((order) => [order.id, order]));
  const reservationOf = new Map(reservations.map((r) => [r.orderId, r]));
  const counted = (orderId: string) => {
    const order = orderById.get(orderId);
    return !order || !inFlight(order, settleSeconds);
  };

  for (const order of orders) {
    if (inFlight(order, settleSeconds)) continue;
    const reservation = reservationOf.get(order.id);
    if (SOLD.includes(order.status)) {
      if (!reservation) violations.push(`order ${order.id} is ${order.status} but inventory has no reservation for it`);
      else if (reservation.status !== "committed") violations.push(`order ${order.id} is ${order.status} but its reservation ${reservation.id} is ${reservation.status}, not committed`);
      else if (!sameLines(reservation.lines, order.lines)) violations.push(`order ${order.id} sold ${showLines(order.lines)} but its reservation committed ${showLines(reservation.lines)}`);
    } else if (order.status === "CANCELLED" && reservation?.status === "committed") {
      violations.push(`order ${order.id} is CANCELLED but its reservation ${reservation.id} is still committed (stock not put back)`);
    }
  }
  for (const reservation of reservations) {
    if (HOLDING.includes(reservation.status) && !orderById.has(reservation.orderId)) {
      violations.push(`reservation ${reservation.id} is ${reservation.status} for order ${reservation.orderId}, which orders does not know`);
    }
  }

  const sold = unitsBySku(orders.filter((o) => SOLD.includes(o.status) && !inFlight(o, settleSeconds)).flatMap((o) => o.lines));
  const committed = unitsBySku(reservations.filter((r) => r.status === "committed" && counted(r.orderId)).flatMap((r) => r.lines));
  for (const sku of [...new Set([...sold.keys(), ...committed.keys()])].sort()) {
    const soldUnits = sold.get(sku) ?? 0;
    const committedUnits = committed.get(sku) ?? 0;
    if (soldUnits !== committedUnits) violations.push(`SKU ${sku}: inventory committed ${committedUnits} units, orders sold ${soldUnits} (COMPLETED and CONFIRMED)`);
  }

  return result(2, "stock", "no SKU oversold: 0 ≤ reserved ≤ on hand, reserved = held reservations, committed = sold", `${plural(stock.length, "SKU")}, ${plural(reservations.length, "reservation")}`, violations);
}
