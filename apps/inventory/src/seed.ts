import type { Sql } from "@checkout/db";
import { setOnHand } from "./db/stock.ts";

/** Puts `units` on hand for each SKU that has no stock row yet (an existing level is left alone). */
export async function seedStock(sql: Sql, skus: readonly string[], units = 100): Promise<void> {
  for (const sku of skus) {
    const [row] = await sql`SELECT 1 FROM stock WHERE sku = ${sku}`;
    if (!row) await setOnHand(sql, sku, units);
  }
}
