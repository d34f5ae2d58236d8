import type { Sql } from "@checkout/db";

/** A catalog row. */
export interface Product {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  weightGrams: number;
  active: boolean;
}

interface ProductRow {
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  weight_grams: number;
  active: boolean;
}

const toProduct = (row: ProductRow): Product => ({
  sku: row.sku,
  name: row.name,
  unitPrice: row.price_minor,
  currency: row.currency,
  weightGrams: row.weight_grams,
  active: row.active,
});

export async function selectActiveProducts(sql: Sql): Promise<Product[]> {
  const rows = await sql<ProductRow[]>`
    SELECT sku, name, price_minor, currency, weight_grams, active FROM products WHERE active ORDER BY sku`;
  return rows.map(toProduct);
}

/** The products among `skus` (active or not); unknown skus are simply absent. */
export async function selectProducts(sql: Sql, skus: readonly string[]): Promise<Product[]> {
  if (skus.length === 0) return [];
  const rows = await sql<ProductRow[]>`
    SELECT sku, name, price_minor, currency, weight_grams, active FROM products WHERE sku IN ${sql([...skus])}`;
  return rows.map(toProduct);
}
