// When a refund is allowed and how much: only for a succeeded PaymentIntent, never beyond what was
// received. Pure: returns the new refund and the updated charge, or throws.
import { invalidRequest } from "./errors.ts";
import type { Charge, PaymentIntent, Refund, RefundReason } from "./objects.ts";

export interface RefundRequest {
  id: string;
  now: number;
  amount: number | undefined;
  reason: RefundReason | undefined;
  metadata: Record<string, string>;
}

export function refundPayment(intent: PaymentIntent, charge: Charge | undefined, request: RefundRequest): { refund: Refund; charge: Charge } {
  if (intent.status !== "succeeded" || charge === undefined || !charge.captured) {
    throw invalidRequest(
      `This PaymentIntent (${intent.id}) does not have a successful charge to refund (status: ${intent.status}).`,
      { code: "charge_not_refundable", param: "payment_intent", executed: true },
    );
  }
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded", executed: true });
  }
  const amount = request.amount ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, {
      code: "amount_too_large",
      param: "amount",
      executed: true,
    });
  }
  const refund: Refund = {
    id: request.id,
    object: "refund",
    amount,
    charge: charge.id,
    created: request.now,
    currency: charge.currency,
    metadata: request.metadata,
    payment_intent: intent.id,
    reason: request.reason ?? null,
    status: "succeeded",
  };
  const refunded = charge.amount_refunded + amount;
  return { refund, charge: { ...charge, amount_refunded: refunded, refunded: refunded === charge.amount_captured } };
}
