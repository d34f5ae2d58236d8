import type { CancelReason, OrderStatus } from "@checkout/contracts";

/** What orders learns from the other services, reduced to what matters for the order. */
export type Fact =
  | { type: "InventoryReserved"; reservationId: string }
  | { type: "InventoryCommitted" }
  | { type: "InventoryRejected"; reason: "out_of_stock" | "unknown_sku"; detail: string }
  | { type: "InventoryReleased"; reason: "payment_failed" | "order_cancelled" | "expired" }
  | { type: "PaymentAuthorized"; paymentIntentId: string }
  | { type: "PaymentFailed"; reason: "declined" | "provider_unavailable" | "invalid_request" | "reservation_expired"; detail: string; paymentIntentId?: string | undefined }
  | { type: "PaymentCaptured" }
  | { type: "PaymentVoided" }
  | { type: "PaymentRefunded" }
  | { type: "ShipmentCreated"; trackingNumber: string; carrier: string }
  | { type: "ShipmentFailed"; detail: string }
  | { type: "ShipmentCancelled" }
  /** the shopper asked to cancel (POST /api/orders/:id/cancel) */
  | { type: "CancelRequested" };

export type FactName = Exclude<Fact["type"], "CancelRequested">;

export interface OrderState {
  status: OrderStatus;
  cancelReason: CancelReason | null;
  facts: readonly FactName[];
  paymentIntentId: string | null;
  reservationId: string | null;
}

export interface Decision {
  state: OrderState;
  /** the order's own facts to publish, in order */
  emit: Array<"OrderConfirmed" | "OrderCancelled" | "OrderCompleted">;
  cancelDetail?: string;
}

const PAYMENT_FAILURE: Record<Extract<Fact, { type: "PaymentFailed" }>["reason"], CancelReason> = {
  declined: "payment_declined",
  provider_unavailable: "payment_failed",
  invalid_request: "payment_failed",
  reservation_expired: "reservation_expired",
};

/** Whether the shopper may still cancel: nothing has been handed to the carrier yet. */
export const canCancel = (state: OrderState) => (state.status === "PENDING" || state.status === "CONFIRMED") && !state.facts.includes("ShipmentCreated");

/** Money or stock that a cancelled order still holds, i.e. compensations not yet confirmed. */
export function holds(facts: readonly FactName[]): { money: boolean; stock: boolean } {
  const has = (name: FactName) => facts.includes(name);
  return {
    money: has("PaymentAuthorized") && !has("PaymentVoided") && !has("PaymentRefunded"),
    stock: (has("InventoryReserved") || has("InventoryCommitted")) && !has("InventoryReleased"),
  };
}

/** Why this fact cancels the order in its current status, if it does. */
function cancellation(state: OrderState, fact: Fact): { reason: CancelReason; detail: string } | undefined {
  const { status } = state;
  switch (fact.type) {
    case "InventoryRejected":
      if (status === "PENDING") return { reason: fact.reason, detail: fact.detail };
      if (status === "CONFIRMED") return { reason: "reservation_expired", detail: `the hold expired before confirmation and the stock is gone: ${fact.detail}` };
      return undefined;
    case "PaymentFailed":
      return status === "PENDING" ? { reason: PAYMENT_FAILURE[fact.reason], detail: fact.detail } : undefined;
    case "InventoryReleased":
      return status === "PENDING" && fact.reason === "expired" ? { reason: "reservation_expired", detail: "the reservation expired before the payment was authorized" } : undefined;
    case "ShipmentFailed":
      return status === "CONFIRMED" ? { reason: "shipping_failed", detail: fact.detail } : undefined;
    case "CancelRequested":
      return canCancel(state) ? { reason: "customer_request", detail: "cancelled by the shopper" } : undefined;
    default:
      return undefined;
  }
}

/**
 * The order's reaction to a fact. Facts are kept as a set, so a fact delivered twice changes nothing and
 * facts may arrive in any order; a cancelled order is CANCELLING while money or stock is still held and
 * CANCELLED once every compensation is confirmed.
 */
export function decide(state: OrderState, fact: Fact): Decision {
  const facts = new Set(state.facts);
  let { paymentIntentId, reservationId } = state;
  if (fact.type !== "CancelRequested") facts.add(fact.type);
  if (fact.type === "InventoryReserved") reservationId ??= fact.reservationId;
  if (fact.type === "PaymentAuthorized") paymentIntentId ??= fact.paymentIntentId;
  if (fact.type === "PaymentFailed" && fact.paymentIntentId && fact.reason === "reservation_expired") {
    paymentIntentId ??= fact.paymentIntentId;
    facts.add("PaymentAuthorized"); // a late authorization exists: payments is voiding it
  }

  const emit: Decision["emit"] = [];
  let { status, cancelReason } = state;
  let cancelDetail: string | undefined;
  const cancel = cancelReason === null ? cancellation(state, fact) : undefined;
  if (cancel) {
    cancelReason = cancel.reason;
    cancelDetail = cancel.detail;
    emit.push("OrderCancelled");
  }
  if (cancelReason === null && status === "PENDING" && facts.has("PaymentAuthorized")) {
    status = "CONFIRMED";
    emit.push("OrderConfirmed");
  }
  if (cancelReason === null && status === "CONFIRMED" && facts.has("PaymentCaptured")) {
    status = "COMPLETED";
    emit.push("OrderCompleted");
  }
  if (cancelReason !== null) {
    const held = holds([...facts]);
    status = held.money || held.stock ? "CANCELLING" : "CANCELLED";
  }
  return { state: { status, cancelReason, facts: [...facts], paymentIntentId, reservationId }, emit, ...(cancelDetail ? { cancelDetail } : {}) };
}
