/**
 * What orders has heard of SKUs with nothing left: a hint, never the truth. Inventory owns stock; when
 * it rejects an order for a SKU with 0 available (InventoryRejected, problem out_of_stock), checkout
 * may refuse the next orders for that SKU at once instead of sending each through the saga to be
 * rejected the same way (a flash sale: thousands of buyers for a hundred units). The hint is forgotten
 * when a unit of the SKU goes back on the shelf (InventoryReleased) and, since a restock through the
 * stock API says nothing on the bus, `ttlMs` after the last rejection: the next order then goes through
 * the saga again and learns the current answer. A stale hint can only refuse an order that might have
 * got a unit; it can never reserve, sell or hold stock.
 */
export interface SoldOutBoard {
  /** inventory rejected an order: every SKU it found with 0 available is sold out as of `at` */
  rejected(lines: ReadonlyArray<{ sku: string; available: number; problem: string }>, at: number): void;
  /** units of these SKUs went back on the shelf */
  released(skus: Iterable<string>): void;
  /** those of `skus` that are sold out as far as this board knows at `now` */
  soldOut(skus: Iterable<string>, now: number): string[];
}

export function createSoldOutBoard({ ttlMs }: { ttlMs: number }): SoldOutBoard {
  const seenAt = new Map<string, number>(); // sku → when inventory last said 0 available

  return {
    rejected(lines, at) {
      if (ttlMs <= 0) return;
      for (const line of lines) {
        if (line.problem === "out_of_stock" && line.available === 0) seenAt.set(line.sku, Math.max(at, seenAt.get(line.sku) ?? at));
      }
    },
    released(skus) {
      for (const sku of skus) seenAt.delete(sku);
    },
    soldOut(skus, now) {
      const out: string[] = [];
      for (const sku of skus) {
        const at = seenAt.get(sku);
        if (at === undefined) continue;
        if (now - at < ttlMs) out.push(sku);
        else seenAt.delete(sku);
      }
      return out;
    },
  };
}
