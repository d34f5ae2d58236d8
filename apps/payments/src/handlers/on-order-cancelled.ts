import { OrderCancelled, wasNeverPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { lockPayment, noteCancellation, settle, startStep } from "../db/payments.ts";

/**
 * Gives the money back: an authorization is voided, a capture refunded. A step in flight finishes
 * first and the worker then undoes it (cancel_requested); an order not yet authorized never will be.
 */
export const onOrderCancelled = defineHandler({
  subscribe: OrderCancelled,
  // refused at checkout, as orders said it before OrderRefused (ADR 0010): nothing of it here, and no
  // OrderPlaced to guard against with a tombstone
  ignores: wasNeverPlaced,
  async handle(event, { sql, log, later }) {
    const { orderId, reason } = event.data;
    // one round trip: the row locked, then the cancellation noted (PostgreSQL runs them in this order)
    const [, payment] = await Promise.all([lockPayment(sql, orderId), noteCancellation(sql, orderId, reason)]);
    switch (payment.status) {
      case "waiting":
        later(settle(sql, orderId, { status: "cancelled" }));
        break;
      case "authorized":
        later(startStep(sql, orderId, "voiding"));
        break;
      case "captured":
        later(startStep(sql, orderId, "refunding"));
        break;
      default:
        log.info({ status: payment.status }, "cancellation noted; nothing to start now");
    }
    return [];
  },
});
