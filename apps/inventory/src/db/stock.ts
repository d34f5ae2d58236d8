import type { Sql, TransactionSql } from "@checkout/db";
import type { Line, StockLevels } from "../domain/reserve.ts";
import type { StockSeen } from "../domain/stock-seen.ts";

type Db = Sql | TransactionSql;

/**
 * Available units of these SKUs, with their rows locked (in SKU order) until the transaction ends.
 * With `unlessKnown` (a new order's reservation, sent with lockReservation in one round trip and run
 * after it): only when that order has no reservation yet, so an OrderPlaced for an order inventory
 * already knows (a tombstone, a copy) takes no stock lock; empty otherwise.
 */
export async function lockAvailable(sql: Db, skus: string[], { unlessKnown }: { unlessKnown?: string } = {}): Promise<Map<string, number>> {
  const known = unlessKnown ? sql`AND NOT EXISTS (SELECT 1 FROM reservations WHERE order_id = ${unlessKnown})` : sql``;
  const rows = await sql<{ sku: string; available: number }[]>`
    SELECT sku, on_hand - reserved AS available FROM stock WHERE sku = ANY(${skus}::text[]) ${known} ORDER BY sku FOR UPDATE`;
  return new Map(rows.map((row) => [row.sku, row.available]));
}

/** no levels read */
export const NONE: StockLevels = new Map();

/**
 * Units available of `skus` for a decision now, in a transaction whose decisions record in `seen` what
 * they saw and took: from `seen`, else from the caller's own `read`, and what neither knows is read now
 * (and locked).
 */
export async function availableNow(sql: Db, seen: StockSeen, skus: string[], read: StockLevels = NONE): Promise<Map<string, number>> {
  const { levels, missing } = seen.levelsFor(skus, read);
  if (missing.length > 0) {
    for (const [sku, level] of await lockAvailable(sql, missing)) levels.set(sku, level);
  }
  return levels;
}

/** Applies one change to each line's SKU: `reserved` and `on_hand` move by these factors × qty. */
async function move(sql: Db, lines: Line[], { reserved, onHand }: { reserved: number; onHand: number }) {
  const skus = lines.map((line) => line.sku);
  const qtys = lines.map((line) => line.qty);
  await sql`
    UPDATE stock s SET reserved = s.reserved + ${reserved} * l.qty, on_hand = s.on_hand + ${onHand} * l.qty, updated_at = now()
    FROM unnest(${skus}::text[], ${qtys}::int[]) AS l(sku, qty) WHERE s.sku = l.sku`;
}

export const holdStock = (sql: Db, lines: Line[]) => move(sql, lines, { reserved: 1, onHand: 0 });
export const releaseStock = (sql: Db, lines: Line[]) => move(sql, lines, { reserved: -1, onHand: 0 });
/** the held units leave the shelf for good */
export const commitStock = (sql: Db, lines: Line[]) => move(sql, lines, { reserved: -1, onHand: -1 });
/** units leave the shelf without having been held (a re-reservation committed at once) */
export const onHandDown = (sql: Db, lines: Line[]) => move(sql, lines, { reserved: 0, onHand: -1 });
/** committed units come back on the shelf (an order cancelled after commit) */
export const restock = (sql: Db, lines: Line[]) => move(sql, lines, { reserved: 0, onHand: 1 });

export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

export async function readStock(sql: Db, sku?: string): Promise<StockLevel[]> {
  return sql<StockLevel[]>`
    SELECT sku, on_hand AS "onHand", reserved, on_hand - reserved AS available FROM stock
    ${sku ? sql`WHERE sku = ${sku}` : sql``} ORDER BY sku`;
}

/** Sets the units on hand; refused (null) when that would be below what reservations hold. */
export async function setOnHand(sql: Db, sku: string, onHand: number): Promise<StockLevel | null> {
  const [row] = await sql<StockLevel[]>`
    INSERT INTO stock (sku, on_hand) VALUES (${sku}, ${onHand})
    ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now() WHERE stock.reserved <= EXCLUDED.on_hand
    RETURNING sku, on_hand AS "onHand", reserved, on_hand - reserved AS available`;
  return row ?? null;
}
