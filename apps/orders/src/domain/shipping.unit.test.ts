import { describe, expect, it } from "vitest";
import { FREE_DOMESTIC_FROM, shippingCost, shippingZone } from "./shipping.ts";
import { DestinationNotServed } from "./pricing-errors.ts";

describe("shippingZone", () => {
  it("sorts countries into domestic, europe and international", () => {
    expect(shippingZone("US")).toBe("domestic");
    expect(shippingZone("DE")).toBe("europe");
    expect(shippingZone("GB")).toBe("europe");
    expect(shippingZone("CH")).toBe("europe");
    expect(shippingZone("JP")).toBe("international");
    expect(shippingZone("BR")).toBe("international");
  });
  it("refuses destinations not served, naming address.country", () => {
    for (const country of ["AQ", "KP"]) {
      expect(() => shippingZone(country)).toThrow(DestinationNotServed);
    }
    try {
      shippingZone("AQ");
    } catch (error) {
      expect(error).toMatchObject({ status: 422, code: "destination_not_served", errors: [{ field: "address.country" }] });
    }
  });
});

describe("shippingCost", () => {
  it("uses the first bracket that holds the weight", () => {
    expect(shippingCost("domestic", 1, 0)).toBe(499);
    expect(shippingCost("domestic", 500, 0)).toBe(499);
    expect(shippingCost("domestic", 501, 0)).toBe(899);
    expect(shippingCost("domestic", 2_000, 0)).toBe(899);
    expect(shippingCost("domestic", 5_000, 0)).toBe(1_499);
    expect(shippingCost("europe", 700, 0)).toBe(2_499);
    expect(shippingCost("international", 400, 0)).toBe(1_999);
  });
  it("adds a surcharge per started kilogram above the last bracket", () => {
    expect(shippingCost("domestic", 5_001, 0)).toBe(1_699);
    expect(shippingCost("domestic", 6_000, 0)).toBe(1_699);
    expect(shippingCost("domestic", 6_001, 0)).toBe(1_899);
    expect(shippingCost("international", 12_500, 0)).toBe(5_999 + 8 * 900);
  });
  it("ships domestic orders free from the threshold (merchandise after discount)", () => {
    expect(shippingCost("domestic", 800, FREE_DOMESTIC_FROM - 1)).toBe(899);
    expect(shippingCost("domestic", 800, FREE_DOMESTIC_FROM)).toBe(0);
    expect(shippingCost("europe", 800, FREE_DOMESTIC_FROM * 10)).toBe(2_499);
  });
});
