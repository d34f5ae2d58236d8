import {
  InventoryCommitted,
  InventoryRejected,
  InventoryReleased,
  InventoryReserved,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentFailed,
  PaymentRefunded,
  PaymentVoided,
  ShipmentCancelled,
  ShipmentCreated,
  ShipmentFailed,
} from "@checkout/contracts";
import type { Handler } from "@checkout/messaging";
import { onFact } from "./on-fact.ts";

const rejectedLines = (lines: Array<{ sku: string; requested: number; available: number; problem: string }>) =>
  lines.map((l) => `${l.sku}: ${l.problem === "unknown_sku" ? "unknown" : `${l.available} of ${l.requested} available`}`).join("; ");

/** What orders reacts to: every fact the other services publish about its orders. */
export const orderHandlers: Handler[] = [
  onFact(InventoryReserved, { fact: (d) => ({ type: "InventoryReserved", reservationId: d.reservationId }), detail: (d) => ({ reservationId: d.reservationId, expiresAt: d.expiresAt }) }),
  onFact(InventoryCommitted, { fact: () => ({ type: "InventoryCommitted" }), detail: (d) => ({ reservationId: d.reservationId, lines: d.lines }) }),
  onFact(InventoryRejected, { fact: (d) => ({ type: "InventoryRejected", reason: d.reason, detail: rejectedLines(d.lines) }), detail: (d) => ({ reason: d.reason, lines: d.lines }) }),
  onFact(InventoryReleased, { fact: (d) => ({ type: "InventoryReleased", reason: d.reason }), detail: (d) => ({ reason: d.reason, from: d.from, lines: d.lines }) }),
  onFact(PaymentAuthorized, { fact: (d) => ({ type: "PaymentAuthorized", paymentIntentId: d.paymentIntentId }), detail: (d) => ({ paymentIntentId: d.paymentIntentId, amount: d.amount }) }),
  onFact(PaymentFailed, {
    fact: (d) => ({ type: "PaymentFailed", reason: d.reason, detail: d.declineCode ? `${d.declineCode}: ${d.message}` : d.message, paymentIntentId: d.paymentIntentId }),
    detail: (d) => ({ reason: d.reason, declineCode: d.declineCode, message: d.message }),
  }),
  onFact(PaymentCaptured, { fact: () => ({ type: "PaymentCaptured" }), detail: (d) => ({ paymentIntentId: d.paymentIntentId, amount: d.amount }) }),
  onFact(PaymentVoided, { fact: () => ({ type: "PaymentVoided" }), detail: (d) => ({ paymentIntentId: d.paymentIntentId, amount: d.amount }) }),
  onFact(PaymentRefunded, { fact: () => ({ type: "PaymentRefunded" }), detail: (d) => ({ paymentIntentId: d.paymentIntentId, refundId: d.refundId, amount: d.amount }) }),
  onFact(ShipmentCreated, {
    fact: (d) => ({ type: "ShipmentCreated", trackingNumber: d.trackingNumber, carrier: d.carrier }),
    detail: (d) => ({ shipmentId: d.shipmentId, carrier: d.carrier, trackingNumber: d.trackingNumber, estimatedDelivery: d.estimatedDelivery }),
  }),
  onFact(ShipmentFailed, { fact: (d) => ({ type: "ShipmentFailed", detail: d.detail }), detail: (d) => ({ reason: d.reason, detail: d.detail }) }),
  onFact(ShipmentCancelled, { fact: () => ({ type: "ShipmentCancelled" }), detail: (d) => ({ shipmentId: d.shipmentId }) }),
];
