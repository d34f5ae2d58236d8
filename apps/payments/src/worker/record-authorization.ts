import { PaymentAuthorized, PaymentFailed } from "@checkout/contracts";
import type { TransactionSql } from "@checkout/db";
import type { AnyEvent } from "@checkout/messaging";
import { settle, startStep, type Payment } from "../db/payments.ts";
import type { ProviderOutcome } from "../domain/provider-outcome.ts";

/**
 * Stores what an authorization attempt came to and returns the events to publish, or `retry` for a
 * transient failure that the deadline still allows. An authorization that lands after the reservation
 * deadline, or after the order was cancelled, is voided at once (ADR 0007).
 */
export async function recordAuthorization(tx: TransactionSql, payment: Payment, outcome: ProviderOutcome, now: Date): Promise<AnyEvent[] | "retry"> {
  const { orderId } = payment;
  const amount = { amount: payment.amount!, currency: payment.currency! };
  const deadlinePassed = payment.reservationExpiresAt !== null && now >= payment.reservationExpiresAt;
  if (outcome.kind === "authorized") {
    const settled = settle(tx, orderId, { status: "authorized", paymentIntentId: outcome.paymentIntentId });
    if (deadlinePassed) {
      await Promise.all([settled, startStep(tx, orderId, "voiding")]);
      const message = "authorized after the reservation deadline; the authorization is voided";
      return [PaymentFailed.create(orderId, { orderId, reason: "reservation_expired", message, paymentIntentId: outcome.paymentIntentId })];
    }
    await Promise.all([settled, ...(payment.cancelRequested ? [startStep(tx, orderId, "voiding")] : [])]);
    return [PaymentAuthorized.create(orderId, { orderId, paymentIntentId: outcome.paymentIntentId, amount })];
  }
  if (outcome.kind === "transient" && !deadlinePassed) return "retry";
  const failure =
    outcome.kind === "declined"
      ? { reason: "declined" as const, declineCode: outcome.declineCode ?? outcome.code, message: outcome.message }
      : outcome.kind === "rejected"
        ? { reason: "invalid_request" as const, message: outcome.message }
        : payment.attempts <= 1 && payment.paymentIntentId === null
          ? { reason: "reservation_expired" as const, message: "the reservation deadline passed before the payment could be attempted" }
          : { reason: "provider_unavailable" as const, message: `no answer from the provider before the reservation deadline: ${outcome.message}` };
  await settle(tx, orderId, { status: "failed", paymentIntentId: outcome.paymentIntentId, failureReason: failure.reason, declineCode: failure.declineCode, failureMessage: failure.message });
  return [PaymentFailed.create(orderId, { orderId, ...failure, ...(outcome.paymentIntentId ? { paymentIntentId: outcome.paymentIntentId } : {}) })];
}
