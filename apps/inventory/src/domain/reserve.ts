export interface Line {
  sku: string;
  qty: number;
}

export type StockLevels = ReadonlyMap<string, number>; // sku → available (on_hand - reserved)

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
  problem: "out_of_stock" | "unknown_sku";
}

export type ReservationDecision = { ok: true; lines: Line[] } | { ok: false; reason: Shortage["problem"]; lines: Shortage[] };

/** Lines of one order with the same SKU merged, in SKU order (the order rows are locked in). */
export function mergeLines(lines: readonly Line[]): Line[] {
  const merged = new Map<string, number>();
  for (const { sku, qty } of lines) merged.set(sku, (merged.get(sku) ?? 0) + qty);
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, qty]) => ({ sku, qty }));
}

/**
 * All or nothing: every line must be a known SKU with enough available stock. An unknown SKU outranks
 * a shortage as the reason, since no amount of restocking would make that order possible.
 */
export function decideReservation(stock: StockLevels, lines: readonly Line[]): ReservationDecision {
  const wanted = mergeLines(lines);
  const problems = wanted.flatMap(({ sku, qty }): Shortage[] => {
    const available = stock.get(sku);
    if (available === undefined) return [{ sku, requested: qty, available: 0, problem: "unknown_sku" }];
    if (available < qty) return [{ sku, requested: qty, available, problem: "out_of_stock" }];
    return [];
  });
  if (problems.length === 0) return { ok: true, lines: wanted };
  const reason = problems.some((p) => p.problem === "unknown_sku") ? "unknown_sku" : "out_of_stock";
  return { ok: false, reason, lines: problems };
}

/** The keys under which handlers that read these SKUs' stock levels run one after the other in a batch. */
export const stockKeys = (lines: readonly { sku: string }[]): string[] => lines.map((line) => `stock:${line.sku}`);
