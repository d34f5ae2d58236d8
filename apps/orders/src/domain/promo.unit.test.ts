import { describe, expect, it } from "vitest";
import { discountFor, normalizePromoCode, type Promo } from "./promo.ts";
import { PromoCodeRejected } from "./pricing-errors.ts";

const now = new Date("2025-06-01T12:00:00Z");
const promo = (over: Partial<Promo>): Promo => ({
  code: "TEST",
  kind: "percent",
  value: 10,
  currency: null,
  minSubtotal: 0,
  expiresAt: null,
  active: true,
  ...over,
});
const discount = (p: Promo | undefined, subtotal: number, currency = "USD") => discountFor("TEST", p, { subtotal, currency, now });
const rejection = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof PromoCodeRejected) return { reason: error.reason, code: error.code, status: error.status, errors: error.errors, message: error.message };
    throw error;
  }
  throw new Error("expected a PromoCodeRejected");
};

describe("percentage codes", () => {
  it("take a percentage of the subtotal, rounded half-up", () => {
    expect(discount(promo({ value: 10 }), 5_000)).toBe(500);
    expect(discount(promo({ value: 10 }), 1_995)).toBe(200); // 199.5
    expect(discount(promo({ value: 10 }), 1_994)).toBe(199);
    expect(discount(promo({ value: 15 }), 1_999)).toBe(300); // 299.85
    expect(discount(promo({ value: 15 }), 1_990)).toBe(299); // 298.5 → 299
  });
  it("never exceed the subtotal", () => {
    expect(discount(promo({ value: 100 }), 4_321)).toBe(4_321);
  });
});

describe("fixed codes", () => {
  it("take a fixed amount, capped at the subtotal", () => {
    expect(discount(promo({ kind: "fixed", value: 500, currency: "USD" }), 3_000)).toBe(500);
    expect(discount(promo({ kind: "fixed", value: 500, currency: "USD" }), 300)).toBe(300);
  });
  it("are refused in another currency", () => {
    const r = rejection(() => discount(promo({ kind: "fixed", value: 500, currency: "EUR" }), 3_000));
    expect(r.reason).toBe("currency_mismatch");
    expect(r.message).toMatch(/EUR.*USD/);
  });
});

describe("refusals name promoCode with a reason", () => {
  it("unknown code", () => {
    const r = rejection(() => discountFor("NOPE", undefined, { subtotal: 1_000, currency: "USD", now }));
    expect(r).toMatchObject({ reason: "unknown", code: "promo_code_unknown", status: 422, errors: [{ field: "promoCode" }] });
    expect(r.message).toMatch(/NOPE does not exist/);
  });
  it("inactive code", () => {
    expect(rejection(() => discount(promo({ active: false }), 1_000)).reason).toBe("inactive");
  });
  it("expired code, relative to the now passed in", () => {
    const expiresAt = new Date("2025-06-01T11:59:59Z");
    expect(rejection(() => discount(promo({ expiresAt }), 1_000)).reason).toBe("expired");
    expect(rejection(() => discount(promo({ expiresAt: now }), 1_000)).reason).toBe("expired");
    expect(discount(promo({ expiresAt: new Date("2025-06-01T12:00:01Z") }), 1_000)).toBe(100);
  });
  it("minimum subtotal not met, with both amounts in the message", () => {
    const r = rejection(() => discount(promo({ kind: "fixed", value: 500, currency: "USD", minSubtotal: 3_000 }), 2_999));
    expect(r.reason).toBe("minimum_not_met");
    expect(r.message).toMatch(/USD 30\.00.*USD 29\.99/);
    expect(discount(promo({ kind: "fixed", value: 500, currency: "USD", minSubtotal: 3_000 }), 3_000)).toBe(500);
  });
});

describe("normalizePromoCode", () => {
  it("matches codes case-insensitively", () => {
    expect(normalizePromoCode(" welcome10 ")).toBe("WELCOME10");
  });
});
