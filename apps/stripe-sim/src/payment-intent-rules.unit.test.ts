import { describe, expect, it } from "vitest";
import { StripeError } from "./errors.ts";
import type { PaymentIntent } from "./objects.ts";
import { cancelPaymentIntent, capturePaymentIntent, confirmPaymentIntent, createPaymentIntent } from "./payment-intent-rules.ts";
import { refundPayment } from "./refund-rules.ts";
import { testCards } from "./test-cards.ts";

const visa = testCards.pm_card_visa!;
const declined = testCards.pm_card_chargeDeclined!;

function intent(captureMethod: "manual" | "automatic", paymentMethod?: string): PaymentIntent {
  const input = { amount: 1000, currency: "usd", captureMethod, paymentMethod, paymentMethodTypes: ["card"], metadata: {}, description: undefined, customer: undefined };
  return createPaymentIntent(input, { id: "pi_1", secret: "s", now: 1 });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof StripeError) return error.code;
    throw error;
  }
  return undefined;
}

describe("PaymentIntent state machine", () => {
  it("starts in requires_payment_method, or requires_confirmation with a payment method", () => {
    expect(intent("manual").status).toBe("requires_payment_method");
    expect(intent("manual", "pm_card_visa").status).toBe("requires_confirmation");
  });

  it("authorizes a manual intent, then captures up to the authorized amount", () => {
    const { intent: held, charge } = confirmPaymentIntent(intent("manual"), { paymentMethod: "pm_card_visa", card: visa, chargeId: "ch_1", now: 2 });
    expect(held).toMatchObject({ status: "requires_capture", amount_capturable: 1000, latest_charge: "ch_1" });
    expect(codeOf(() => capturePaymentIntent(held, charge, 1001))).toBe("amount_too_large");
    const captured = capturePaymentIntent(held, charge, 600);
    expect(captured.intent).toMatchObject({ status: "succeeded", amount_received: 600, amount_capturable: 0 });
    expect(captured.charge).toMatchObject({ captured: true, amount_captured: 600 });
    expect(codeOf(() => capturePaymentIntent(captured.intent, captured.charge))).toBe("payment_intent_unexpected_state");
    expect(codeOf(() => cancelPaymentIntent(captured.intent, { reason: undefined, now: 3 }))).toBe("payment_intent_unexpected_state");
  });

  it("records a decline without moving past requires_payment_method", () => {
    const outcome = confirmPaymentIntent(intent("automatic"), { paymentMethod: "pm_card_chargeDeclined", card: declined, chargeId: "ch_2", now: 2 });
    expect(outcome.decline?.declineCode).toBe("generic_decline");
    expect(outcome.intent).toMatchObject({ status: "requires_payment_method", payment_method: null, amount_received: 0 });
    expect(outcome.intent.last_payment_error).toMatchObject({ decline_code: "generic_decline", charge: "ch_2" });
    expect(outcome.charge).toMatchObject({ status: "failed", paid: false, captured: false });
  });

  it("never refunds more than was captured", () => {
    const paid = confirmPaymentIntent(intent("automatic"), { paymentMethod: "pm_card_visa", card: visa, chargeId: "ch_3", now: 2 });
    const request = { id: "re_1", now: 3, reason: undefined, metadata: {} };
    const first = refundPayment(paid.intent, paid.charge, { ...request, amount: 700 });
    expect(codeOf(() => refundPayment(paid.intent, first.charge, { ...request, amount: 301 }))).toBe("amount_too_large");
    const second = refundPayment(paid.intent, first.charge, { ...request, amount: undefined });
    expect(second.refund.amount).toBe(300);
    expect(second.charge).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(codeOf(() => refundPayment(paid.intent, second.charge, { ...request, amount: undefined }))).toBe("charge_already_refunded");
  });
});
