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

describe("payment intents through the real stripe SDK", () => {
  it("creates and confirms a manual-capture intent, then captures it", async () => {
    const created = await stripe.paymentIntents.create({
      amount: 2599,
      currency: "EUR",
      payment_method: "pm_card_visa",
      capture_method: "manual",
      confirm: true,
      metadata: { order_id: "ord_1" },
      description: "order ord_1",
    });
    expect(created).toMatchObject({
      object: "payment_intent",
      status: "requires_capture",
      amount: 2599,
      amount_capturable: 2599,
      amount_received: 0,
      currency: "eur",
      capture_method: "manual",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      metadata: { order_id: "ord_1" },
      description: "order ord_1",
      livemode: false,
    });
    expect(created.id).toMatch(/^pi_[0-9A-Za-z]{24}$/);
    expect(created.latest_charge).toMatch(/^ch_[0-9A-Za-z]{24}$/);

    const captured = await stripe.paymentIntents.capture(created.id, { amount_to_capture: 2000 });
    expect(captured).toMatchObject({ id: created.id, status: "succeeded", amount_received: 2000, amount_capturable: 0 });
    expect((await stripe.paymentIntents.retrieve(created.id)).status).toBe("succeeded");
  });

  it("walks requires_payment_method → requires_confirmation → succeeded with automatic capture", async () => {
    const created = await stripe.paymentIntents.create({ amount: 500, currency: "usd" });
    expect(created.status).toBe("requires_payment_method");
    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: "pm_card_mastercard" });
    expect(confirmed).toMatchObject({ status: "succeeded", amount_received: 500, payment_method: "pm_card_mastercard" });

    const withMethod = await stripe.paymentIntents.create({ amount: 700, currency: "usd", payment_method: "pm_card_amex" });
    expect(withMethod.status).toBe("requires_confirmation");
  });

  it("cancels an authorized intent with a reason, and refuses to cancel a succeeded one", async () => {
    const held = await stripe.paymentIntents.create({ amount: 900, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual" });
    const canceled = await stripe.paymentIntents.cancel(held.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned", amount_capturable: 0 });
    expect(canceled.canceled_at).toEqual(expect.any(Number));

    const paid = await stripe.paymentIntents.create({ amount: 900, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    const error = await caught(() => stripe.paymentIntents.cancel(paid.id));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" });
  });

  it("refuses to capture outside requires_capture", async () => {
    const created = await stripe.paymentIntents.create({ amount: 100, currency: "usd" });
    const error = await caught(() => stripe.paymentIntents.capture(created.id));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" });

    const held = await stripe.paymentIntents.create({ amount: 100, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual" });
    const tooMuch = await caught(() => stripe.paymentIntents.capture(held.id, { amount_to_capture: 101 }));
    expect(tooMuch).toMatchObject({ code: "amount_too_large", param: "amount_to_capture" });
  });

  it("validates amount, currency and ids", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ currency: "usd" }, "amount", "parameter_missing"],
      [{ amount: 0, currency: "usd" }, "amount", "parameter_invalid_integer"],
      [{ amount: 10.5, currency: "usd" }, "amount", "parameter_invalid_integer"],
      [{ amount: -3, currency: "usd" }, "amount", "parameter_invalid_integer"],
      [{ amount: 100 }, "currency", "parameter_missing"],
      [{ amount: 100, currency: "dollars" }, "currency", "parameter_invalid_string"],
    ];
    for (const [params, param, code] of cases) {
      const error = await caught(() => stripe.paymentIntents.create(params as unknown as Stripe.PaymentIntentCreateParams));
      expect(error, JSON.stringify(params)).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error, JSON.stringify(params)).toMatchObject({ statusCode: 400, param, code });
    }
    const missing = await caught(() => stripe.paymentIntents.retrieve("pi_doesnotexist"));
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
    expect((await sim.audit()).data).toHaveLength(0);
  });

  it("requires a secret key", async () => {
    const withPublishableKey = new Stripe("pk_test_nope", { host: sim.host, port: sim.port, protocol: "http", maxNetworkRetries: 0 });
    const error = await caught(() => withPublishableKey.paymentIntents.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401 });
  });

  it("lists newest first with limit, pagination and the metadata[order_id] filter", async () => {
    const ids: string[] = [];
    for (const order of ["a", "b", "a", "a"]) {
      ids.push((await stripe.paymentIntents.create({ amount: 100, currency: "usd", metadata: { order_id: order } })).id);
    }
    const page = await stripe.paymentIntents.list({ limit: 2 });
    expect(page.data.map((intent) => intent.id)).toEqual([ids[3], ids[2]]);
    expect(page.has_more).toBe(true);

    const all: string[] = [];
    for await (const intent of stripe.paymentIntents.list({ limit: 3 })) all.push(intent.id);
    expect(all).toEqual([...ids].reverse());

    const forOrderA = await stripe.paymentIntents.list({ limit: 10, metadata: { order_id: "a" } } as Stripe.PaymentIntentListParams);
    expect(forOrderA.data.map((intent) => intent.id)).toEqual([ids[3], ids[2], ids[0]]);
  });

  it("shows intents with money totals on /_sim/payment_intents", async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, metadata: { order_id: "ord_9" } });
    await stripe.refunds.create({ payment_intent: intent.id, amount: 300 });
    await stripe.paymentIntents.create({ amount: 50, currency: "usd", metadata: { order_id: "other" } });

    const audit = await sim.audit("ord_9");
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({ id: intent.id, amount_captured: 1000, amount_refunded: 300 });
    expect(audit.totals).toMatchObject({ count: 1, amount_captured: 1000, amount_refunded: 300 });
  });
});
