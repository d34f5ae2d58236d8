import type { Address } from "@checkout/contracts";
import { basisPointsOf } from "./money.ts";
import { RegionMismatch } from "./pricing-errors.ts";

// Tax by destination. Catalog prices are net (tax-exclusive), as usual for a US shop; tax is added
// at checkout and rounded half-up once, on the whole taxable base. Rates are in basis points
// (1 bp = 0.01 %): standard rates as of January 2025, illustrative, not tax advice.
//
// - United States: the state rate of `address.region` (ISO 3166-2, e.g. US-CA) on the merchandise
//   after discount; shipping is not taxed. A state missing from the table, or a US address without a
//   region, pays US_DEFAULT_BP. County and city surtaxes are out of scope.
// - EU member states and GB: the standard VAT rate on the merchandise after discount AND on shipping
//   (the delivery charge follows the VAT treatment of the goods).
// - Every other served country: 0, the sale is an export; import VAT and duties are collected from
//   the recipient on delivery. (Destinations we do not serve at all are refused by shipping.ts.)
// - A region that does not belong to the country (country DE, region US-CA) is refused: 422 naming
//   `address.region`.

export const US_DEFAULT_BP = 500;

export const US_STATE_BP: Readonly<Record<string, number>> = {
  "US-CA": 725,
  "US-NY": 400,
  "US-TX": 625,
  "US-FL": 600,
  "US-WA": 650,
  "US-IL": 625,
  "US-MA": 625,
  "US-PA": 600,
  "US-CO": 290,
  // no state sales tax
  "US-OR": 0,
  "US-MT": 0,
  "US-NH": 0,
  "US-DE": 0,
  "US-AK": 0,
};

export const VAT_BP: Readonly<Record<string, number>> = {
  AT: 2000, BE: 2100, BG: 2000, HR: 2500, CY: 1900, CZ: 2100, DK: 2500, EE: 2200, FI: 2550,
  FR: 2000, DE: 1900, GR: 2400, HU: 2700, IE: 2300, IT: 2200, LV: 2100, LT: 2100, LU: 1700,
  MT: 1800, NL: 2100, PL: 2300, PT: 2300, RO: 1900, SK: 2300, SI: 2200, ES: 2100, SE: 2500,
  GB: 2000,
};

export interface TaxRule {
  /** the rate in basis points */
  bp: number;
  /** whether shipping is part of the taxable base */
  taxesShipping: boolean;
}

export function taxRuleFor({ country, region }: Pick<Address, "country" | "region">): TaxRule {
  if (region && !region.startsWith(`${country}-`) && region !== country) throw new RegionMismatch(region, country);
  if (country === "US") {
    const bp = region && region !== "US" ? (US_STATE_BP[region] ?? US_DEFAULT_BP) : US_DEFAULT_BP;
    return { bp, taxesShipping: false };
  }
  const vat = VAT_BP[country];
  if (vat !== undefined) return { bp: vat, taxesShipping: true };
  return { bp: 0, taxesShipping: false };
}

/** The tax on an order going to `destination`: `merchandise` is the subtotal after discount. */
export function taxFor(destination: Pick<Address, "country" | "region">, { merchandise, shipping }: { merchandise: number; shipping: number }): number {
  const { bp, taxesShipping } = taxRuleFor(destination);
  return basisPointsOf(taxesShipping ? merchandise + shipping : merchandise, bp);
}

