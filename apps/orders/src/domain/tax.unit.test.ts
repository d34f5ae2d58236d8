import { describe, expect, it } from "vitest";
import { taxFor, taxRuleFor, US_DEFAULT_BP } from "./tax.ts";
import { RegionMismatch } from "./pricing-errors.ts";

describe("US sales tax", () => {
  it("uses the state rate on merchandise only, not on shipping", () => {
    expect(taxFor({ country: "US", region: "US-CA" }, { merchandise: 10_000, shipping: 899 })).toBe(725);
    expect(taxFor({ country: "US", region: "US-NY" }, { merchandise: 10_000, shipping: 899 })).toBe(400);
    expect(taxFor({ country: "US", region: "US-OR" }, { merchandise: 10_000, shipping: 899 })).toBe(0);
  });
  it("rounds half-up once on the whole base", () => {
    expect(taxFor({ country: "US", region: "US-CA" }, { merchandise: 1_999, shipping: 0 })).toBe(145); // 144.93
    expect(taxFor({ country: "US", region: "US-NY" }, { merchandise: 1_234, shipping: 0 })).toBe(49); // 49.36
    expect(taxFor({ country: "US", region: "US-CA" }, { merchandise: 200, shipping: 0 })).toBe(15); // 14.5
  });
  it("uses the default rate for other states and for a US address without a region", () => {
    expect(taxRuleFor({ country: "US", region: "US-OH" }).bp).toBe(US_DEFAULT_BP);
    expect(taxRuleFor({ country: "US" }).bp).toBe(US_DEFAULT_BP);
    expect(taxRuleFor({ country: "US", region: "US" }).bp).toBe(US_DEFAULT_BP);
  });
});

describe("VAT (EU and GB)", () => {
  it("applies to merchandise and shipping", () => {
    expect(taxFor({ country: "DE" }, { merchandise: 10_000, shipping: 1_499 })).toBe(2_185); // 11499 × 19 % = 2184.81
    expect(taxFor({ country: "FR" }, { merchandise: 10_000, shipping: 0 })).toBe(2_000);
    expect(taxFor({ country: "GB", region: "GB-LND" }, { merchandise: 5_000, shipping: 1_499 })).toBe(1_300); // 1299.8
    expect(taxFor({ country: "NL" }, { merchandise: 1_000, shipping: 0 })).toBe(210);
  });
});

describe("elsewhere", () => {
  it("charges nothing on an export", () => {
    expect(taxRuleFor({ country: "JP" })).toEqual({ bp: 0, taxesShipping: false });
    expect(taxFor({ country: "CA", region: "CA-ON" }, { merchandise: 10_000, shipping: 1_999 })).toBe(0);
  });
  it("refuses a region of another country, naming address.region", () => {
    expect(() => taxRuleFor({ country: "DE", region: "US-CA" })).toThrow(RegionMismatch);
    try {
      taxRuleFor({ country: "DE", region: "US-CA" });
    } catch (error) {
      expect((error as RegionMismatch).errors).toEqual([{ field: "address.region", message: expect.stringContaining("US-CA") }]);
    }
  });
});
