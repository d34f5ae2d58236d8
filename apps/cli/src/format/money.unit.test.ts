import { describe, expect, it } from "vitest";
import { formatMoney, minorDigits } from "./money.ts";

describe("formatMoney", () => {
  it("turns minor units into the currency's decimals exactly", () => {
    expect(formatMoney(2400, "USD")).toBe("USD 24.00");
    expect(formatMoney(5, "EUR")).toBe("EUR 0.05");
    expect(formatMoney(0, "USD")).toBe("USD 0.00");
    expect(formatMoney(4749, "USD")).toBe("USD 47.49");
  });

  it("knows currencies without or with three minor digits", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(formatMoney(1500, "JPY")).toBe("JPY 1,500");
    expect(formatMoney(1234, "BHD")).toBe("BHD 1.234");
  });

  it("groups thousands and keeps precision on large amounts", () => {
    expect(formatMoney(123456789, "USD")).toBe("USD 1,234,567.89");
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "USD")).toBe("USD 90,071,992,547,409.91");
  });

  it("keeps the sign of a negative amount and falls back to 2 digits for an unknown code", () => {
    expect(formatMoney(-150, "USD")).toBe("USD -1.50");
    expect(formatMoney(150, "XXZ")).toBe("XXZ 1.50");
  });
});
