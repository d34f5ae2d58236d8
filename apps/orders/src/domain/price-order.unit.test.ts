import { describe, expect, it } from "vitest";
import { priceOrder, subtotalOf, type PricedItem } from "./price-order.ts";
import type { Promo } from "./promo.ts";
import { DestinationNotServed, PromoCodeRejected } from "./pricing-errors.ts";

const now = new Date("2025-06-01T12:00:00Z");
const tee: PricedItem = { sku: "TSHIRT-RED-M", name: "Tee", qty: 2, unitPrice: 2_000, weightGrams: 180 };
const mug: PricedItem = { sku: "MUG-LOGO", name: "Mug", qty: 1, unitPrice: 1_400, weightGrams: 350 };
const welcome: Promo = { code: "WELCOME10", kind: "percent", value: 10, currency: null, minSubtotal: 0, expiresAt: null, active: true };
const price = (over: Partial<Parameters<typeof priceOrder>[0]> = {}) =>
  priceOrder({ items: [tee, mug], currency: "USD", destination: { country: "US", region: "US-CA" }, now, ...over });

describe("priceOrder", () => {
  it("prices lines, subtotal, shipping, tax and total", () => {
    const { lines, pricing, weightGrams } = price();
    expect(lines).toEqual([
      { sku: "TSHIRT-RED-M", name: "Tee", qty: 2, unitPrice: 2_000, lineTotal: 4_000 },
      { sku: "MUG-LOGO", name: "Mug", qty: 1, unitPrice: 1_400, lineTotal: 1_400 },
    ]);
    expect(weightGrams).toBe(710);
    // 5400 subtotal, 710 g domestic → 899, CA 7.25 % of 5400 = 391.5 → 392
    expect(pricing).toEqual({ currency: "USD", subtotal: 5_400, discount: 0, tax: 392, shipping: 899, total: 6_691 });
  });

  it("applies the promo before tax and shipping, and records the normalized code", () => {
    const { pricing } = price({ promoCode: "welcome10", promo: welcome });
    // discount 540; merchandise 4860; tax 7.25 % = 352.35 → 352; shipping 899
    expect(pricing).toEqual({ currency: "USD", subtotal: 5_400, discount: 540, tax: 352, shipping: 899, total: 4_860 + 899 + 352, promoCode: "WELCOME10" });
  });

  it("taxes shipping too under VAT", () => {
    const { pricing } = price({ destination: { country: "DE" } });
    // europe 710 g → 2499; VAT 19 % of (5400 + 2499) = 1500.81 → 1501
    expect(pricing).toMatchObject({ shipping: 2_499, tax: 1_501, total: 5_400 + 2_499 + 1_501 });
  });

  it("ships free domestically above the threshold after discount", () => {
    const big = { ...tee, qty: 4 }; // 8000
    expect(price({ items: [big] }).pricing.shipping).toBe(0);
    // 10 % off 8000 = 7200 < 7500: shipping is charged again
    expect(price({ items: [big], promoCode: "WELCOME10", promo: welcome }).pricing.shipping).toBe(899);
  });

  it("refuses an unknown promo and an unserved destination", () => {
    expect(() => price({ promoCode: "NOPE" })).toThrow(PromoCodeRejected);
    expect(() => price({ destination: { country: "KP" } })).toThrow(DestinationNotServed);
  });

  it("keeps integers all the way", () => {
    const odd: PricedItem = { sku: "X", name: "X", qty: 3, unitPrice: 333, weightGrams: 1 };
    const { pricing } = price({ items: [odd], promoCode: "W", promo: { ...welcome, value: 15 }, destination: { country: "FI" } });
    for (const value of [pricing.subtotal, pricing.discount, pricing.tax, pricing.shipping, pricing.total]) expect(Number.isInteger(value)).toBe(true);
    expect(pricing.total).toBe(pricing.subtotal - pricing.discount + pricing.shipping + pricing.tax);
  });
});

describe("subtotalOf", () => {
  it("sums unit price × quantity", () => {
    expect(subtotalOf([tee, mug])).toBe(5_400);
    expect(subtotalOf([])).toBe(0);
  });
});
