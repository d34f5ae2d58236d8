import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caught, startSimForTests } from "./test-support.ts";
import type { SimForTests } from "./test-support.ts";

let sim: SimForTests;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startSimForTests();
  stripe = sim.client();
});
afterAll(() => sim.close());

describe("Stripe test payment methods", () => {
  it.each(["pm_card_visa", "pm_card_mastercard", "pm_card_amex"])("%s succeeds", async (paymentMethod) => {
    const intent = await stripe.paymentIntents.create({ amount: 1234, currency: "usd", payment_method: paymentMethod, confirm: true });
    expect(intent).toMatchObject({ status: "succeeded", amount_received: 1234, last_payment_error: null });
  });

  it.each([
    ["pm_card_chargeDeclined", "card_declined", "generic_decline"],
    ["pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"],
    ["pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"],
    ["pm_card_chargeDeclinedFraudulent", "card_declined", "fraudulent"],
    ["pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"],
    ["pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error"],
  ])("%s is declined with %s / %s and leaves the intent awaiting a payment method", async (paymentMethod, code, declineCode) => {
    const orderId = `order_${paymentMethod}`;
    const error = await caught(() =>
      stripe.paymentIntents.create({ amount: 1234, currency: "usd", payment_method: paymentMethod, confirm: true, metadata: { order_id: orderId } }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code, decline_code: declineCode });
    const fromError = error.payment_intent as Stripe.PaymentIntent;
    expect(fromError).toMatchObject({ status: "requires_payment_method", last_payment_error: { code, decline_code: declineCode } });

    const [stored] = (await sim.audit(orderId)).data;
    expect(stored).toMatchObject({ id: fromError.id, status: "requires_payment_method", payment_method: null, amount_received: 0 });

    // Like Stripe, the customer can retry the same intent with another card.
    const retried = await stripe.paymentIntents.confirm(fromError.id, { payment_method: "pm_card_visa" });
    expect(retried).toMatchObject({ status: "succeeded", last_payment_error: null });
  });

  it("declines on a separate confirm call too", async () => {
    const intent = await stripe.paymentIntents.create({ amount: 10, currency: "usd", payment_method: "pm_card_chargeDeclined", capture_method: "manual" });
    const error = await caught(() => stripe.paymentIntents.confirm(intent.id));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe("requires_payment_method");
  });

  it("answers resource_missing for an unknown payment method and creates nothing", async () => {
    const orderId = "order_unknown_pm";
    const error = await caught(() =>
      stripe.paymentIntents.create({ amount: 10, currency: "usd", payment_method: "pm_card_nope", confirm: true, metadata: { order_id: orderId } }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "resource_missing", param: "payment_method" });
    expect((await sim.audit(orderId)).data).toHaveLength(0);
  });
});
