import type { Line, StockLevels } from "./reserve.ts";

/**
 * The stock levels that one transaction's decisions have seen and changed (HandlerContext.shared): per
 * SKU, the units available as the transaction's last decision on it left them. Decisions on one SKU run
 * one after the other (their shared key), so only the first needs the row (read and locked until the
 * transaction ends); the next take the level from here. A batch of a flash sale's reservations for one
 * SKU then reads its row once, instead of waiting for a round trip per order.
 *
 * Exact only while every decision of the transaction that takes stock records it here (`decided`),
 * and every release that gives stock back (`returned`), each before its write is sent. A level here
 * may be lower than the row's, never higher: a release runs beside the decisions, so a decision's read
 * may go out before the release's write, and the release may tell this record before any level of
 * its SKU is here. So it can refuse an order that released units would have served, never sell a unit
 * twice (and the stock table's CHECKs stay the last line of defence).
 */
export interface StockSeen {
  /**
   * Of `skus`, those no handler of the transaction has asked for yet, now claimed by the caller: it reads
   * them with its first round trip, and the handlers after it do not read them again.
   */
  claim(skus: readonly string[]): string[];
  /**
   * The levels of `skus` for a decision now: as the transaction's decisions left them, else as the
   * caller's own `read` found them; `missing` are those known from neither, to be read now.
   */
  levelsFor(skus: readonly string[], read: StockLevels): { levels: Map<string, number>; missing: string[] };
  /**
   * A decision saw these levels and took these units (nothing, when it refused). A level already here
   * stays: decisions on a SKU come one after the other, so only a release can have changed it since the
   * decision read it, and that release's units are still there.
   */
  decided(levels: StockLevels, took: readonly Line[]): void;
  /** Units went back on the shelf: the decisions after this one may take them. */
  returned(lines: readonly Line[]): void;
}

export function createStockSeen(): StockSeen {
  const levels = new Map<string, number>();
  const claimed = new Set<string>();
  return {
    claim(skus) {
      const mine = skus.filter((sku) => !claimed.has(sku));
      for (const sku of mine) claimed.add(sku);
      return mine;
    },
    levelsFor(skus, read) {
      const found = new Map<string, number>();
      const missing: string[] = [];
      for (const sku of skus) {
        const level = levels.get(sku) ?? read.get(sku);
        if (level === undefined) missing.push(sku);
        else found.set(sku, level);
      }
      return { levels: found, missing };
    },
    decided(seen, took) {
      for (const [sku, level] of seen) if (!levels.has(sku)) levels.set(sku, level);
      for (const { sku, qty } of took) {
        const level = levels.get(sku);
        if (level === undefined) throw new Error(`a decision took ${sku} without seeing its level`);
        levels.set(sku, level - qty);
      }
    },
    returned(lines) {
      // a SKU not here: the next decision's level comes from a read, which sees these units if it was
      // sent after this release's write (and is only lower if not)
      for (const { sku, qty } of lines) {
        const level = levels.get(sku);
        if (level !== undefined) levels.set(sku, level + qty);
      }
    },
  };
}

/** The transaction's StockSeen, from HandlerContext.shared. */
export const stockSeenOf = (shared: <T>(key: string, create: () => T) => T): StockSeen => shared("inventory:stock-seen", createStockSeen);
