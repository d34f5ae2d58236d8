// Small builders for the audit's unit tests: a consistent finished system, to break one piece at a time.
import type { AuditData, AuditOrder, Intent, OutgoingMail, ReservationRow, ShipmentRow } from "./model.ts";

let counter = 0;
/** a deterministic uuid-looking id */
export const id = (n = ++counter) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

export const order = (over: Partial<AuditOrder> = {}): AuditOrder => ({
  id: id(),
  status: "COMPLETED",
  ageSeconds: 600,
  quietSeconds: 500,
  total: 2_400,
  currency: "USD",
  lines: [{ sku: "MUG-LOGO", qty: 2 }],
  neverPlaced: false,
  ...over,
});

export const reservation = (o: AuditOrder, status: string, over: Partial<ReservationRow> = {}): ReservationRow => ({ id: `res_${o.id.slice(-4)}`, orderId: o.id, status, lines: o.lines, ...over });

export const intent = (o: AuditOrder, over: Partial<Intent> = {}): Intent => ({
  id: `pi_${o.id.slice(-4)}`,
  orderId: o.id,
  status: "succeeded",
  amount: o.total,
  currency: o.currency.toLowerCase(),
  amountCaptured: o.total,
  amountRefunded: 0,
  ...over,
});

export const mail = (o: AuditOrder, kind: string, status = "sent"): OutgoingMail => ({ orderId: o.id, kind, status });
export const shipment = (o: AuditOrder, status = "created"): ShipmentRow => ({ orderId: o.id, status, shipmentId: status === "created" ? `shp_${o.id.slice(-4)}` : null });

/**
 * A quiet system with one COMPLETED order (2 × MUG-LOGO, captured, shipped, mailed) and one CANCELLED
 * order (declined: its intent never took money), 10 mugs left on the shelf.
 */
export function cleanSystem(): AuditData & { completed: AuditOrder; cancelled: AuditOrder } {
  const completed = order();
  const cancelled = order({ status: "CANCELLED", lines: [{ sku: "CAP-NAVY", qty: 1 }], total: 1_800 });
  return {
    completed,
    cancelled,
    settleSeconds: 60,
    orders: [completed, cancelled],
    stock: [
      { sku: "MUG-LOGO", onHand: 10, reserved: 0 },
      { sku: "CAP-NAVY", onHand: 5, reserved: 0 },
    ],
    reservations: [reservation(completed, "committed"), reservation(cancelled, "released")],
    holds: [],
    payments: [
      { orderId: completed.id, status: "captured", paymentIntentId: `pi_${completed.id.slice(-4)}`, failureMessage: null },
      { orderId: cancelled.id, status: "failed", paymentIntentId: `pi_${cancelled.id.slice(-4)}`, failureMessage: null },
    ],
    shipments: [shipment(completed)],
    mails: [mail(completed, "confirmed"), mail(completed, "shipped"), mail(cancelled, "cancelled")],
    mailbox: [
      { orderId: completed.id, kind: "confirmed", count: 1 },
      { orderId: completed.id, kind: "shipped", count: 1 },
      { orderId: cancelled.id, kind: "cancelled", count: 1 },
    ],
    intents: [intent(completed), intent(cancelled, { status: "requires_payment_method", amountCaptured: 0 })],
    streams: [{ stream: "ORDERS", exists: true, messages: 5, problems: [] }],
    deadLetters: { total: 0, entries: [] },
  };
}
