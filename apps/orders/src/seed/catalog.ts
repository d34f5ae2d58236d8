import type { Sql } from "@checkout/db";
import { SHOP_CURRENCY } from "../domain/money.ts";

// The demo catalog and promo codes. The shop sells in one currency, USD (SHOP_CURRENCY); prices are
// in cents, net of tax. seedCatalog() upserts them: running it again resets them to these values.

export interface CatalogProduct {
  sku: string;
  name: string;
  priceMinor: number;
  weightGrams: number;
  active: boolean;
}

export const CATALOG: readonly CatalogProduct[] = [
  { sku: "TSHIRT-RED-M", name: "Classic Tee, Red, M", priceMinor: 2_000, weightGrams: 180, active: true },
  { sku: "TSHIRT-RED-L", name: "Classic Tee, Red, L", priceMinor: 2_000, weightGrams: 190, active: true },
  { sku: "TSHIRT-BLK-M", name: "Classic Tee, Black, M", priceMinor: 2_000, weightGrams: 180, active: true },
  { sku: "TSHIRT-BLK-L", name: "Classic Tee, Black, L", priceMinor: 2_000, weightGrams: 190, active: true },
  { sku: "HOODIE-GRY-M", name: "Zip Hoodie, Heather Grey, M", priceMinor: 5_500, weightGrams: 650, active: true },
  { sku: "HOODIE-GRY-L", name: "Zip Hoodie, Heather Grey, L", priceMinor: 5_500, weightGrams: 700, active: true },
  { sku: "MUG-LOGO", name: "Logo Mug, 11 oz", priceMinor: 1_400, weightGrams: 350, active: true },
  { sku: "MUG-TRAVEL", name: "Insulated Travel Mug", priceMinor: 2_400, weightGrams: 300, active: true },
  { sku: "CAP-NAVY", name: "Baseball Cap, Navy", priceMinor: 1_800, weightGrams: 120, active: true },
  { sku: "TOTE-CANVAS", name: "Canvas Tote Bag", priceMinor: 1_600, weightGrams: 200, active: true },
  { sku: "SOCKS-STRIPE", name: "Striped Socks", priceMinor: 1_200, weightGrams: 80, active: true },
  { sku: "STICKER-PACK", name: "Sticker Pack (8)", priceMinor: 500, weightGrams: 20, active: true },
  { sku: "BOTTLE-STEEL", name: "Steel Water Bottle, 750 ml", priceMinor: 2_800, weightGrams: 400, active: true },
  // discontinued: still in the table (old orders name it), no longer sold
  { sku: "POSTER-RETRO", name: "Retro Poster, 18 x 24 in", priceMinor: 1_500, weightGrams: 250, active: false },
];

/** The skus that can be bought: the inventory seed stocks these. */
export const CATALOG_SKUS: readonly string[] = CATALOG.filter((p) => p.active).map((p) => p.sku);

export interface CatalogPromo {
  code: string;
  kind: "percent" | "fixed";
  value: number;
  currency: string | null;
  minSubtotal: number;
  expiresAt: Date | null;
}

export const PROMO_CODES: readonly CatalogPromo[] = [
  { code: "WELCOME10", kind: "percent", value: 10, currency: null, minSubtotal: 0, expiresAt: null },
  { code: "SAVE5", kind: "fixed", value: 500, currency: SHOP_CURRENCY, minSubtotal: 3_000, expiresAt: null },
  { code: "EXPIRED20", kind: "percent", value: 20, currency: null, minSubtotal: 0, expiresAt: new Date("2024-01-01T00:00:00Z") },
  { code: "BIGSPENDER", kind: "percent", value: 15, currency: null, minSubtotal: 20_000, expiresAt: null },
];

/** Upserts the demo catalog and promo codes; safe to run any number of times. */
export async function seedCatalog(sql: Sql): Promise<void> {
  const products = CATALOG.map((p) => ({
    sku: p.sku,
    name: p.name,
    price_minor: p.priceMinor,
    currency: SHOP_CURRENCY,
    weight_grams: p.weightGrams,
    active: p.active,
  }));
  const promos = PROMO_CODES.map((p) => ({
    code: p.code,
    kind: p.kind,
    value: p.value,
    currency: p.currency,
    min_subtotal: p.minSubtotal,
    expires_at: p.expiresAt,
    active: true,
  }));
  await sql.begin(async (tx) => {
    await tx`
      INSERT INTO products ${tx(products, "sku", "name", "price_minor", "currency", "weight_grams", "active")}
      ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_minor = excluded.price_minor, currency = excluded.currency,
        weight_grams = excluded.weight_grams, active = excluded.active`;
    await tx`
      INSERT INTO promo_codes ${tx(promos, "code", "kind", "value", "currency", "min_subtotal", "expires_at", "active")}
      ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, value = excluded.value, currency = excluded.currency,
        min_subtotal = excluded.min_subtotal, expires_at = excluded.expires_at, active = excluded.active`;
  });
}
