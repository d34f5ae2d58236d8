import type { Sql } from "@checkout/db";
import type { Promo } from "../../domain/promo.ts";

interface PromoRow {
  code: string;
  kind: "percent" | "fixed";
  value: number;
  currency: string | null;
  min_subtotal: number;
  expires_at: Date | null;
  active: boolean;
}

/** The promo code stored under `code` (already normalized to upper case), if any. */
export async function selectPromo(sql: Sql, code: string): Promise<Promo | undefined> {
  const [row] = await sql<PromoRow[]>`
    SELECT code, kind, value, currency, min_subtotal, expires_at, active FROM promo_codes WHERE code = ${code}`;
  if (!row) return undefined;
  return {
    code: row.code,
    kind: row.kind,
    value: row.value,
    currency: row.currency,
    minSubtotal: row.min_subtotal,
    expiresAt: row.expires_at,
    active: row.active,
  };
}
