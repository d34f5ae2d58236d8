import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { caught, startSimForTests } from "./test-support.ts";
import type { SimForTests } from "./test-support.ts";

let sim: SimForTests;
let stripe: Stripe;

beforeAll(async () => {
  sim = await startSimForTests();
  stripe = sim.client();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

function paidIntent(amount = 1000) {
  return stripe.paymentIntents.create({ amount, currency: "usd", payment_method: "pm_card_visa", confirm: true });
}

describe("refunds through the real stripe SDK", () => {
  it("refunds in parts up to the amount received, then refuses", async () => {
    const intent = await paidIntent(1000);
    const first = await stripe.refunds.create({ payment_intent: intent.id, amount: 400, reason: "requested_by_customer" });
    expect(first).toMatchObject({ object: "refund", amount: 400, payment_intent: intent.id, charge: intent.latest_charge, status: "succeeded", currency: "usd" });
    expect(first.id).toMatch(/^re_[0-9A-Za-z]{24}$/);

    const tooLarge = await caught(() => stripe.refunds.create({ payment_intent: intent.id, amount: 601 }));
    expect(tooLarge).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooLarge).toMatchObject({ statusCode: 400, code: "amount_too_large" });

    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(600);

    const again = await caught(() => stripe.refunds.create({ payment_intent: intent.id, amount: 1 }));
    expect(again).toMatchObject({ statusCode: 400, code: "charge_already_refunded" });

    expect((await sim.audit()).data[0]).toMatchObject({ amount_captured: 1000, amount_refunded: 1000 });
  });

  it("limits refunds of a partial capture to the captured amount", async () => {
    const held = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual" });
    await stripe.paymentIntents.capture(held.id, { amount_to_capture: 700 });
    const error = await caught(() => stripe.refunds.create({ payment_intent: held.id, amount: 701 }));
    expect(error).toMatchObject({ code: "amount_too_large" });
    expect((await stripe.refunds.create({ payment_intent: held.id })).amount).toBe(700);
  });

  it("refuses to refund an intent that has not succeeded", async () => {
    const held = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual" });
    const error = await caught(() => stripe.refunds.create({ payment_intent: held.id }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "charge_not_refundable" });
    const missing = await caught(() => stripe.refunds.create({ payment_intent: "pi_missing" }));
    expect(missing).toMatchObject({ statusCode: 400, code: "resource_missing", param: "payment_intent" });
  });

  it("retrieves and lists refunds by payment_intent", async () => {
    const one = await paidIntent();
    const two = await paidIntent();
    const a = await stripe.refunds.create({ payment_intent: one.id, amount: 100 });
    const b = await stripe.refunds.create({ payment_intent: one.id, amount: 200 });
    await stripe.refunds.create({ payment_intent: two.id, amount: 300 });

    expect(await stripe.refunds.retrieve(a.id)).toMatchObject({ id: a.id, amount: 100 });
    const listed = await stripe.refunds.list({ payment_intent: one.id });
    expect(listed.data.map((refund) => refund.id)).toEqual([b.id, a.id]);
    const missing = await caught(() => stripe.refunds.retrieve("re_missing"));
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });
});
