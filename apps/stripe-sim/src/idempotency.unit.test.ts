import { describe, expect, it } from "vitest";
import { StripeError, invalidRequest, unexpectedState } from "./errors.ts";
import { canonicalParams, compareRequests, createIdempotencyStore, shouldSaveResult } from "./idempotency.ts";
import type { RequestFingerprint } from "./idempotency.ts";

const create = (params: Record<string, string | Record<string, string>>): RequestFingerprint => ({
  method: "POST",
  path: "/v1/payment_intents",
  params: canonicalParams(params),
});

describe("comparing requests", () => {
  it("ignores key order but not values or array order", () => {
    expect(canonicalParams({ b: "1", a: { y: "2", x: "3" } })).toBe(canonicalParams({ a: { x: "3", y: "2" }, b: "1" }));
    expect(canonicalParams({ a: ["1", "2"] })).not.toBe(canonicalParams({ a: ["2", "1"] }));
    expect(canonicalParams({ a: "1" })).not.toBe(canonicalParams({ a: ["1"] }));
  });

  it("tells same, different params and different endpoint apart", () => {
    const first = create({ amount: "100", metadata: { order_id: "o1" } });
    expect(compareRequests(first, create({ metadata: { order_id: "o1" }, amount: "100" }))).toBe("same");
    expect(compareRequests(first, create({ amount: "101", metadata: { order_id: "o1" } }))).toBe("different_params");
    expect(compareRequests(first, { ...first, path: "/v1/refunds" })).toBe("different_endpoint");
    expect(compareRequests(first, { ...first, method: "GET" })).toBe("different_endpoint");
  });

  it("saves successes and executed errors, not validation failures or crashes", () => {
    expect(shouldSaveResult(200, undefined)).toBe(true);
    expect(shouldSaveResult(402, new StripeError("declined", { type: "card_error", statusCode: 402, executed: true }))).toBe(true);
    expect(shouldSaveResult(400, unexpectedState("nope"))).toBe(true);
    expect(shouldSaveResult(400, invalidRequest("missing amount"))).toBe(false);
    expect(shouldSaveResult(404, undefined)).toBe(false);
    expect(shouldSaveResult(500, new Error("bug"))).toBe(false);
  });
});

describe("idempotency store", () => {
  const response = { status: 200, body: '{"id":"pi_1"}', contentType: "application/json" };

  it("runs a key once, reports it in flight, then replays the saved response", () => {
    const keys = createIdempotencyStore();
    const request = create({ amount: "100" });
    expect(keys.begin("sk_a", "k", request)).toEqual({ kind: "new" });
    expect(keys.begin("sk_a", "k", request)).toEqual({ kind: "in_flight" });
    expect(keys.begin("sk_a", "k", create({ amount: "200" }))).toEqual({ kind: "mismatch", comparison: "different_params" });
    keys.complete("sk_a", "k", response);
    expect(keys.begin("sk_a", "k", request)).toEqual({ kind: "replay", response });
  });

  it("forgets an abandoned key so it can be retried", () => {
    const keys = createIdempotencyStore();
    const request = create({ amount: "100" });
    keys.begin("sk_a", "k", request);
    keys.abandon("sk_a", "k");
    expect(keys.begin("sk_a", "k", create({ amount: "999" }))).toEqual({ kind: "new" });
  });

  it("scopes keys per API key", () => {
    const keys = createIdempotencyStore();
    keys.begin("sk_a", "k", create({ amount: "100" }));
    keys.complete("sk_a", "k", response);
    expect(keys.begin("sk_b", "k", create({ amount: "100" }))).toEqual({ kind: "new" });
  });

  it("expires keys after the TTL", () => {
    let now = 0;
    const keys = createIdempotencyStore({ ttlMs: 1000, now: () => now });
    const request = create({ amount: "100" });
    keys.begin("sk_a", "k", request);
    keys.complete("sk_a", "k", response);
    now = 999;
    expect(keys.begin("sk_a", "k", request).kind).toBe("replay");
    now = 1000;
    expect(keys.begin("sk_a", "k", create({ amount: "5" }))).toEqual({ kind: "new" });
    now = 100_000;
    keys.begin("sk_a", "other", request);
    expect(keys.size()).toBe(1);
  });
});
