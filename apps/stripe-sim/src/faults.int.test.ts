import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { caught, startSimForTests } from "./test-support.ts";
import type { SimForTests } from "./test-support.ts";

let sim: SimForTests;

beforeAll(async () => {
  sim = await startSimForTests();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const params = { amount: 1500, currency: "usd", payment_method: "pm_card_visa", confirm: true, metadata: { order_id: "ord_faults" } };

function recordRequests(stripe: Stripe): Stripe.RequestEvent[] {
  const requests: Stripe.RequestEvent[] = [];
  stripe.on("request", (event: Stripe.RequestEvent) => requests.push(event));
  return requests;
}

describe("fault injection", () => {
  it("fails before any state change, so the SDK's retries with the same key create one intent", async () => {
    await sim.configure({ failureRate: 1, maxFaults: 2 });
    const stripe = sim.client({ maxNetworkRetries: 2 });
    const requests = recordRequests(stripe);

    const intent = await stripe.paymentIntents.create(params);
    expect(intent.status).toBe("succeeded");
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.idempotency_key)).size).toBe(1);
    expect(requests[0]?.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect((await sim.audit("ord_faults")).data).toHaveLength(1);
    expect((await sim.stats()).faults).toMatchObject({ failure: 2, total: 2 });
  });

  it("surfaces a 500 as StripeAPIError and leaves no trace", async () => {
    await sim.configure({ failureRate: 1 });
    const error = await caught(() => sim.client().paymentIntents.create(params));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500 });
    expect((await sim.audit()).data).toHaveLength(0);
  });

  it("with failAfterCommit, applies the request, answers 500, and the retry gets the stored result", async () => {
    await sim.configure({ failAfterCommitRate: 1, maxFaults: 1 });
    const stripe = sim.client({ maxNetworkRetries: 2 });
    const requests = recordRequests(stripe);

    const intent = await stripe.paymentIntents.create(params);
    expect(requests).toHaveLength(2);
    expect(intent.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const audit = await sim.audit("ord_faults");
    expect(audit.data.map((stored) => stored.id)).toEqual([intent.id]);
    expect(await sim.stats()).toMatchObject({ idempotent_replays: 1, faults: { fail_after_commit: 1 } });
  });

  it("with failAfterCommit and no retry, the caller sees 500 although the intent exists", async () => {
    await sim.configure({ failAfterCommitRate: 1 });
    const error = await caught(() => sim.client().paymentIntents.create(params));
    expect(error).toMatchObject({ statusCode: 500 });
    expect((await sim.audit("ord_faults")).data).toHaveLength(1);
  });

  it("surfaces 429 as StripeRateLimitError without retrying", async () => {
    await sim.configure({ rateLimitRate: 1 });
    const stripe = sim.client({ maxNetworkRetries: 2 });
    const requests = recordRequests(stripe);
    const error = await caught(() => stripe.paymentIntents.create(params));
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: "rate_limit" });
    expect(requests).toHaveLength(1);
  });

  it("answers 503 to every /v1 request during an outage, while /_sim keeps working", async () => {
    await sim.configure({ outage: true });
    const error = await caught(() => sim.client().paymentIntents.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 503 });
    expect((await sim.stats()).faults).toMatchObject({ outage: 1 });
    await sim.configure({ outage: false });
    await expect(sim.client().paymentIntents.list()).resolves.toMatchObject({ object: "list" });
  });

  it("hangs past the client timeout without applying anything", async () => {
    await sim.configure({ timeoutRate: 1, hangMs: 5_000 });
    const started = performance.now();
    const error = await caught(() => sim.client({ timeout: 200 }).paymentIntents.create(params));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(error.message).toMatch(/timeout/);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect((await sim.audit()).data).toHaveLength(0);
  });

  it("closes the connection after hangMs when the client waits longer", async () => {
    await sim.configure({ timeoutRate: 1, hangMs: 100 });
    const error = await caught(() => sim.client({ timeout: 5_000 }).paymentIntents.create(params));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((await sim.audit()).data).toHaveLength(0);
  });

  it("delays responses by at least latencyMs", async () => {
    const stripe = sim.client();
    const intent = await stripe.paymentIntents.create(params);
    await sim.configure({ latencyMs: 150, jitterMs: 20 });
    const started = performance.now();
    await stripe.paymentIntents.retrieve(intent.id);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});
