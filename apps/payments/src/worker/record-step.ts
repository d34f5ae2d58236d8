import { PaymentCaptured, PaymentRefunded, PaymentVoided } from "@checkout/contracts";
import type { TransactionSql } from "@checkout/db";
import type { AnyEvent } from "@checkout/messaging";
import { settle, startStep, type Payment } from "../db/payments.ts";
import type { StepOutcome } from "../stripe/steps.ts";

/** Stores a finished capture, void or refund and returns its event (a cancelled order's capture is refunded next). */
export async function recordStep(tx: TransactionSql, payment: Payment, outcome: Extract<StepOutcome, { kind: "done" }>): Promise<AnyEvent[]> {
  const { orderId } = payment;
  const paymentIntentId = payment.paymentIntentId!;
  const money = (amount: number) => ({ amount, currency: payment.currency! });
  switch (payment.status) {
    case "capturing":
      await Promise.all([settle(tx, orderId, { status: "captured", capturedAmount: outcome.amount }), ...(payment.cancelRequested ? [startStep(tx, orderId, "refunding")] : [])]);
      return [PaymentCaptured.create(orderId, { orderId, paymentIntentId, amount: money(outcome.amount) })];
    case "voiding":
      await settle(tx, orderId, { status: "voided" });
      return [PaymentVoided.create(orderId, { orderId, paymentIntentId, amount: money(payment.amount!), reason: payment.cancelReason ?? "reservation_expired" })];
    case "refunding":
      await settle(tx, orderId, { status: "refunded", refundId: outcome.refundId ?? null });
      return [PaymentRefunded.create(orderId, { orderId, paymentIntentId, refundId: outcome.refundId!, amount: money(outcome.amount) })];
    default:
      throw new Error(`no step to record for a payment in status ${payment.status}`);
  }
}
