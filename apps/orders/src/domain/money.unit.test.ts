import { describe, expect, it } from "vitest";
import { basisPointsOf, formatMoney, mulDivHalfUp } from "./money.ts";

describe("mulDivHalfUp", () => {
  it("rounds half up to a whole minor unit", () => {
    expect(mulDivHalfUp(1995, 10, 100)).toBe(200); // 199.5
    expect(mulDivHalfUp(1994, 10, 100)).toBe(199); // 199.4
    expect(mulDivHalfUp(1996, 10, 100)).toBe(200); // 199.6
    expect(mulDivHalfUp(1, 1, 2)).toBe(1); // 0.5
    expect(mulDivHalfUp(1, 1, 3)).toBe(0); // 0.33
    expect(mulDivHalfUp(0, 725, 10_000)).toBe(0);
  });

  it("stays exact where floating point drifts", () => {
    // 1.005 * 100 = 100.49999999999999 in floating point; here 1005 × 1 ÷ 10 = 100.5 → 101
    expect(mulDivHalfUp(1005, 1, 10)).toBe(101);
    expect(mulDivHalfUp(Number.MAX_SAFE_INTEGER, 10_000, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses negative, fractional and unsafe inputs and a zero denominator", () => {
    expect(() => mulDivHalfUp(-1, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1.5, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1, 1, 0)).toThrow(RangeError);
    expect(() => mulDivHalfUp(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError);
  });
});

describe("basisPointsOf", () => {
  it("applies a rate in basis points", () => {
    expect(basisPointsOf(10_000, 725)).toBe(725);
    expect(basisPointsOf(1_999, 725)).toBe(145); // 144.9275
    expect(basisPointsOf(2_000, 1900)).toBe(380);
    expect(basisPointsOf(3_333, 2550)).toBe(850); // 849.915
  });
});

describe("formatMoney", () => {
  it("formats minor units without floating point", () => {
    expect(formatMoney(3000, "USD")).toBe("USD 30.00");
    expect(formatMoney(5, "USD")).toBe("USD 0.05");
    expect(formatMoney(123_456, "USD")).toBe("USD 1234.56");
  });
});
