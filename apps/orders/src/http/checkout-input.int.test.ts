import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS, fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";
import { idempotencyKvKey } from "./request-hash.ts";

// Every bad checkout gets a 4xx problem+json naming the field, and writes no order and no event.

let h: Harness;
let cartId: string;
let emptyCartId: string;
beforeAll(async () => {
  h = await startHarness();
  cartId = await h.cartWith({ "MUG-LOGO": 1 });
  emptyCartId = ((await (await h.call("POST", "/api/cart")).json()) as { cartId: string }).cartId;
});
afterAll(() => h?.close());

const valid = () => ({ cartId, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS });
let n = 0;
const key = () => `input-${++n}`;

const expectRefused = async (response: Response, status: number, field: string, idempotencyKey?: string) => {
  expect(response.status).toBe(status);
  expect(fieldsOf(await problemOf(response))).toContain(field);
  expect(await h.counts()).toEqual({ orders: 0, outbox: 0 });
  if (idempotencyKey && status !== 404 && status !== 422) {
    // refused before the claim: no idempotency record either
    expect(await h.kv.get(idempotencyKvKey("checkout", h.user, idempotencyKey))).toBeNull();
  }
};

describe("the Idempotency-Key header", () => {
  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["with a space", "my key"],
    ["not ASCII", "clé"],
  ])("is refused when %s (400 naming Idempotency-Key)", async (_, value) => {
    const headers: Record<string, string> = value === undefined ? {} : { "Idempotency-Key": value };
    await expectRefused(await h.call("POST", "/api/checkout", valid(), headers), 400, "Idempotency-Key");
  });

  it("accepts 255 visible ASCII characters", async () => {
    const response = await h.call("POST", "/api/checkout", { ...valid(), cartId: emptyCartId }, { "Idempotency-Key": "!~".repeat(127) + "k" });
    expect(response.status).toBe(422); // got past the header: the empty cart is the problem
  });
});

describe("the body", () => {
  const { address: _address, ...noAddress } = valid();
  it.each([
    ["cartId missing", { ...valid(), cartId: undefined }, "cartId"],
    ["cartId malformed", { ...valid(), cartId: "cart-1" }, "cartId"],
    ["email missing", { ...valid(), email: undefined }, "email"],
    ["email malformed", { ...valid(), email: "ada-at-example" }, "email"],
    ["paymentMethod malformed", { ...valid(), paymentMethod: "4242424242424242" }, "paymentMethod"],
    ["paymentMethod a number", { ...valid(), paymentMethod: 42 }, "paymentMethod"],
    ["address missing", noAddress, "address"],
    ["address.country missing", { ...valid(), address: { ...ADDRESS, country: undefined } }, "address.country"],
    ["address.line1 blank", { ...valid(), address: { ...ADDRESS, line1: "   " } }, "address.line1"],
    ["promoCode empty", { ...valid(), promoCode: "" }, "promoCode"],
    ["an array", [valid()], "body"],
  ])("is refused with %s (400)", async (_, body, field) => {
    const k = key();
    await expectRefused(await h.call("POST", "/api/checkout", body, { "Idempotency-Key": k }), 400, field, k);
  });

  it("is refused when malformed JSON (400 body), not JSON (415) or too large (413)", async () => {
    const k = key();
    await expectRefused(await h.call("POST", "/api/checkout", '{"cartId": ', { "Idempotency-Key": k }), 400, "body", k);
    const text = await h.app.request("/api/checkout", { method: "POST", headers: { ...h.auth, "content-type": "text/plain", "Idempotency-Key": k }, body: JSON.stringify(valid()) });
    await expectRefused(text, 415, "content-type", k);
    await expectRefused(await h.call("POST", "/api/checkout", { ...valid(), pad: "x".repeat(70_000) }, { "Idempotency-Key": k }), 413, "body", k);
  });
});

describe("valid requests that cannot be placed", () => {
  it.each([
    ["an unknown cart", () => ({ ...valid(), cartId: "00000000-0000-4000-8000-000000000000" }), 404, "cartId"],
    ["an empty cart", () => ({ ...valid(), cartId: emptyCartId }), 422, "cartId"],
    ["an unknown promo code", () => ({ ...valid(), promoCode: "FREESTUFF" }), 422, "promoCode"],
    ["an expired promo code", () => ({ ...valid(), promoCode: "EXPIRED20" }), 422, "promoCode"],
    ["a destination not served", () => ({ ...valid(), address: { ...ADDRESS, country: "AQ", region: undefined } }), 422, "address.country"],
  ])("are refused: %s", async (_, body, status, field) => {
    await expectRefused(await h.call("POST", "/api/checkout", body(), { "Idempotency-Key": key() }), status, field);
  });

  it("leave the cart in place", async () => {
    expect((await h.call("GET", `/api/cart/${cartId}`)).status).toBe(200);
  });
});
