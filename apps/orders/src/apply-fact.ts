import { OrderCancelled, OrderCompleted, OrderConfirmed } from "@checkout/contracts";
import type { TransactionSql } from "@checkout/db";
import type { AnyEvent } from "@checkout/messaging";
import { decide, type Decision, type Fact } from "./domain/decide.ts";
import { addTimeline, storeState, type SagaOrder, type TimelineEntry } from "./db/saga.ts";

/**
 * Decide → store for one fact about a locked order; returns the order's own facts to publish. The new
 * state and the timeline (`received`, the fact as it came, then each fact emitted) are written side by
 * side. Given `later` (a handler's), the writes are not waited for and travel with the batch's next
 * statement or its COMMIT; without it (the shopper's cancel request), they cost one round trip.
 */
export async function applyFact(
  tx: TransactionSql,
  order: SagaOrder,
  fact: Fact,
  { cause, received, later }: { cause?: { id: string }; received?: TimelineEntry; later?: (statement: Promise<unknown>) => void } = {},
): Promise<AnyEvent[]> {
  const decision = decide(order, fact);
  const tracking = fact.type === "ShipmentCreated" ? { carrier: fact.carrier, trackingNumber: fact.trackingNumber } : undefined;
  const emitted = decision.emit.map((name) => ownFact(name, { ...order, ...decision.state }, decision, cause));
  const detail = { status: decision.state.status, ...(decision.state.cancelReason ? { reason: decision.state.cancelReason } : {}) };
  const timeline = [...(received ? [received] : []), ...emitted.map((event) => ({ eventId: event.id, type: event.type.split(".")[1]!, source: "orders", at: event.time, detail }))];
  const writes = Promise.all([storeState(tx, order.id, decision.state, { cancelDetail: decision.cancelDetail, tracking }), addTimeline(tx, order.id, timeline)]);
  if (later) later(writes);
  else await writes;
  return emitted;
}

function ownFact(name: Decision["emit"][number], order: SagaOrder, decision: Decision, cause?: { id: string }): AnyEvent {
  const options = cause ? { causedBy: cause } : {};
  const customer = { email: order.email, ...(order.userId ? { userId: order.userId } : {}) };
  const total = { amount: order.pricing.total, currency: order.pricing.currency };
  const ids = { ...(order.paymentIntentId ? { paymentIntentId: order.paymentIntentId } : {}), ...(order.reservationId ? { reservationId: order.reservationId } : {}) };
  switch (name) {
    case "OrderConfirmed":
      return OrderConfirmed.create(order.id, {
        orderId: order.id,
        customer,
        lines: order.lines.map(({ sku, qty }) => ({ sku, qty })),
        total,
        shippingAddress: order.shippingAddress,
        paymentIntentId: order.paymentIntentId!,
        ...(order.reservationId ? { reservationId: order.reservationId } : {}),
      }, options);
    case "OrderCancelled":
      return OrderCancelled.create(order.id, { orderId: order.id, reason: decision.state.cancelReason!, ...(decision.cancelDetail ? { detail: decision.cancelDetail } : {}), customer, ...ids }, options);
    case "OrderCompleted":
      return OrderCompleted.create(order.id, { orderId: order.id, total, paymentIntentId: order.paymentIntentId! }, options);
  }
}
