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

const params = { amount: 4200, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual", metadata: { order_id: "ord_idem" } } as const;

describe("Idempotency-Key", () => {
  it("replays the stored response for the same key and params, creating one intent", async () => {
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "order-ord_idem-authorize" });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: "order-ord_idem-authorize" });
    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect((await sim.audit("ord_idem")).data).toHaveLength(1);
    expect((await sim.stats()).idempotent_replays).toBe(1);
  });

  it("refuses the same key with different params or another endpoint", async () => {
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "key-1" });
    const differentParams = await caught(() => stripe.paymentIntents.create({ ...params, amount: 4300 }, { idempotencyKey: "key-1" }));
    expect(differentParams).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(differentParams).toMatchObject({ statusCode: 400 });

    const otherEndpoint = await caught(() => stripe.paymentIntents.capture(first.id, {}, { idempotencyKey: "key-1" }));
    expect(otherEndpoint).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((await sim.audit("ord_idem")).data).toHaveLength(1);
    expect((await stripe.paymentIntents.retrieve(first.id)).status).toBe("requires_capture");
  });

  it("scopes keys per API key", async () => {
    const other = new Stripe("sk_test_another_account", { host: sim.host, port: sim.port, protocol: "http", maxNetworkRetries: 0 });
    const mine = await stripe.paymentIntents.create(params, { idempotencyKey: "shared-key" });
    const theirs = await other.paymentIntents.create(params, { idempotencyKey: "shared-key" });
    expect(theirs.id).not.toBe(mine.id);
  });

  it("replays a decline instead of charging again", async () => {
    const declined = { ...params, payment_method: "pm_card_chargeDeclinedInsufficientFunds" };
    const first = await caught(() => stripe.paymentIntents.create(declined, { idempotencyKey: "decline-key" }));
    const second = await caught(() => stripe.paymentIntents.create(declined, { idempotencyKey: "decline-key" }));
    expect(second).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(second).toMatchObject({ decline_code: "insufficient_funds" });
    expect((second.payment_intent as Stripe.PaymentIntent).id).toBe((first.payment_intent as Stripe.PaymentIntent).id);
    expect((await sim.audit("ord_idem")).data).toHaveLength(1);
  });

  it("answers 409 while the first request with the key is still in flight", async () => {
    await sim.configure({ latencyMs: 300 });
    const results = await Promise.allSettled([
      stripe.paymentIntents.create(params, { idempotencyKey: "racing-key" }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => stripe.paymentIntents.create(params, { idempotencyKey: "racing-key" })),
    ]);
    // Normally the first call wins; on a slow machine the second may get there first. Either way: one of each.
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    const conflict = (results.find((result) => result.status === "rejected") as PromiseRejectedResult).reason as Stripe.errors.StripeError;
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeAPIError); // how stripe-node maps a 409
    expect(conflict).toMatchObject({ statusCode: 409, rawType: "idempotency_error" });
    expect((await sim.audit("ord_idem")).data).toHaveLength(1);
  });

  it("lets the SDK's own retry of a 409 end with the one intent", async () => {
    await sim.configure({ latencyMs: 300 });
    const retrying = sim.client({ maxNetworkRetries: 2 });
    const [a, b] = await Promise.all([
      retrying.paymentIntents.create(params, { idempotencyKey: "racing-key-2" }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => retrying.paymentIntents.create(params, { idempotencyKey: "racing-key-2" })),
    ]);
    expect(b.id).toBe(a.id);
    expect((await sim.audit("ord_idem")).data).toHaveLength(1);
    expect(await sim.stats()).toMatchObject({ idempotency_conflicts: 1, idempotent_replays: 1 });
  });
});
