/**
 * What orders has heard of SKUs with nothing left: a hint, never the truth. Inventory owns stock; when
 * it rejects an order for a SKU with 0 available (InventoryRejected, problem out_of_stock), checkout
 * may refuse the next orders for that SKU at once instead of sending each through the saga to be
 * rejected the same way (a flash sale: thousands of buyers for a hundred units). The hint is forgotten
 * when a unit of the SKU goes back on the shelf (InventoryReleased). A restock through the stock API
 * says nothing on the bus, so the hint also ages: `ttlMs` after the last rejection or renewal, the board
 * asks inventory's stock API (`recheck`, one question per SKU at a time, at most `questionMs`). While
 * it asks, the SKU stays refused. An answer of 0 available renews the hint as of the moment the
 * question was sent; any other outcome (units available, an error, no answer in time) forgets it, so
 * the next order goes through the saga and learns the current answer there. Without `recheck` the hint
 * is simply forgotten after `ttlMs`. A stale hint can only refuse an order that might have got a unit;
 * it can never reserve, sell or hold stock.
 */
export interface SoldOutBoard {
  /**
   * inventory rejected an order: every SKU it found with 0 available is sold out as of `at`; a rejection
   * already older than the TTL at `now` (published late, a dead letter replayed) tells nothing
   */
  rejected(lines: ReadonlyArray<{ sku: string; available: number; problem: string }>, at: number, now?: number): void;
  /** units of these SKUs went back on the shelf */
  released(skus: Iterable<string>): void;
  /** those of `skus` that are sold out as far as this board knows at `now` */
  soldOut(skus: Iterable<string>, now: number): string[];
}

/** Units of a SKU available now (inventory's stock API); null when inventory cannot say. */
export type Recheck = (sku: string) => Promise<number | null>;

export function createSoldOutBoard({ ttlMs, recheck, questionMs = 2_000 }: { ttlMs: number; recheck?: Recheck | undefined; questionMs?: number }): SoldOutBoard {
  const seenAt = new Map<string, number>(); // sku → when inventory last said 0 available
  const asking = new Set<string>(); // SKUs whose aged hint is being checked with inventory

  // a question that fails, throws or takes longer than `questionMs` is "cannot say": a SKU is never
  // left refused by a question that does not come back
  const question = (sku: string) =>
    new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), questionMs);
      let asked: Promise<number | null>;
      try {
        asked = Promise.resolve(recheck!(sku));
      } catch {
        asked = Promise.resolve(null);
      }
      asked.then(resolve, () => resolve(null)).finally(() => clearTimeout(timer));
    });

  const ask = (sku: string, askedAt: number) => {
    asking.add(sku);
    question(sku)
      .then((available) => {
        const at = seenAt.get(sku);
        if (at === undefined) return; // released meanwhile: that news is newer than the question
        if (available === 0) seenAt.set(sku, Math.max(at, askedAt));
        else if (at < askedAt) seenAt.delete(sku); // not renewed by a rejection while we asked
      })
      .finally(() => asking.delete(sku));
  };

  return {
    rejected(lines, at, now = at) {
      if (ttlMs <= 0 || now - at >= ttlMs) return;
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
        if (now - at < ttlMs || asking.has(sku)) out.push(sku);
        else if (recheck) {
          ask(sku, now);
          out.push(sku);
        } else seenAt.delete(sku);
      }
      return out;
    },
  };
}
