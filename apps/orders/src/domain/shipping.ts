import { DestinationNotServed } from "./pricing-errors.ts";
import { EU_MEMBER_STATES, NOT_SERVED } from "./regions.ts";

// Shipping by zone and total weight (USD minor units). The shop ships from the US:
//   domestic      the United States
//   europe        EU member states, GB, CH, NO
//   international every other country, except NOT_SERVED (AQ, KP, IR, SY, CU): 422 naming
//                 `address.country`
// Each zone has weight brackets (the first bracket whose limit is >= the weight applies), then a
// surcharge per started kilogram above the last bracket. Domestic orders whose merchandise after
// discount reaches FREE_DOMESTIC_FROM ship free.

export type ShippingZone = "domestic" | "europe" | "international";

export const FREE_DOMESTIC_FROM = 7_500;

interface Rate {
  brackets: readonly { upToGrams: number; price: number }[];
  perExtraKg: number;
}

export const RATES: Readonly<Record<ShippingZone, Rate>> = {
  domestic: {
    brackets: [
      { upToGrams: 500, price: 499 },
      { upToGrams: 2_000, price: 899 },
      { upToGrams: 5_000, price: 1_499 },
    ],
    perExtraKg: 200,
  },
  europe: {
    brackets: [
      { upToGrams: 500, price: 1_499 },
      { upToGrams: 2_000, price: 2_499 },
      { upToGrams: 5_000, price: 3_999 },
    ],
    perExtraKg: 500,
  },
  international: {
    brackets: [
      { upToGrams: 500, price: 1_999 },
      { upToGrams: 2_000, price: 3_499 },
      { upToGrams: 5_000, price: 5_999 },
    ],
    perExtraKg: 900,
  },
};

const EUROPE_OUTSIDE_EU = new Set(["GB", "CH", "NO"]);

export function shippingZone(country: string): ShippingZone {
  if (NOT_SERVED.has(country)) throw new DestinationNotServed(country);
  if (country === "US") return "domestic";
  if (EU_MEMBER_STATES.has(country) || EUROPE_OUTSIDE_EU.has(country)) return "europe";
  return "international";
}

/** The shipping charge for `weightGrams` to `zone`; `merchandise` is the subtotal after discount. */
export function shippingCost(zone: ShippingZone, weightGrams: number, merchandise: number): number {
  if (zone === "domestic" && merchandise >= FREE_DOMESTIC_FROM) return 0;
  const { brackets, perExtraKg } = RATES[zone];
  const bracket = brackets.find((b) => weightGrams <= b.upToGrams);
  if (bracket) return bracket.price;
  const last = brackets[brackets.length - 1]!;
  const extraKg = Math.ceil((weightGrams - last.upToGrams) / 1000);
  return last.price + extraKg * perExtraKg;
}
