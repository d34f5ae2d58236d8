import { plural, result, type CheckResult } from "../check.ts";
import { inFlight, type AuditOrder, type ShipmentRow } from "../model.ts";

/**
 * 8. Goods leave only for paid orders: a COMPLETED order has its shipment `created`; a CANCELLED order
 * has none that is still `created` (its label was voided, or it never got one). Orders in flight are
 * left out.
 */
export function checkShipments(shipments: ShipmentRow[], orders: AuditOrder[], settleSeconds: number): CheckResult {
  const violations: string[] = [];
  const byOrder = new Map(shipments.map((shipment) => [shipment.orderId, shipment]));
  for (const order of orders) {
    if (inFlight(order, settleSeconds)) continue;
    const shipment = byOrder.get(order.id);
    if (order.status === "COMPLETED" && shipment?.status !== "created") {
      violations.push(`order ${order.id} is COMPLETED but ${shipment ? `its shipment is ${shipment.status}` : "shipping has no shipment for it"}`);
    }
    if (order.status === "CANCELLED" && shipment?.status === "created") {
      violations.push(`order ${order.id} is CANCELLED but its shipment ${shipment.shipmentId ?? ""} is still created (label not voided)`.replace("  ", " "));
    }
  }
  return result(8, "shipments", "COMPLETED orders shipped; CANCELLED orders not", plural(shipments.length, "shipment"), violations);
}
