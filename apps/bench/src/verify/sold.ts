/** Units sold beyond the stock that was there, per SKU and in total: must be 0. */
export function oversoldUnits(stock: Record<string, number>, sold: Record<string, number>): { total: number; bySku: Record<string, number> } {
  const bySku: Record<string, number> = {};
  let total = 0;
  for (const [sku, units] of Object.entries(sold)) {
    const over = Math.max(0, units - (stock[sku] ?? 0));
    if (over > 0) {
      bySku[sku] = over;
      total += over;
    }
  }
  return { total, bySku };
}

/** Units per SKU in the lines of a set of orders (e.g. the COMPLETED ones). */
export function unitsBySku(orders: Array<{ lines: Array<{ sku: string; qty: number }> }>): Record<string, number> {
  const units: Record<string, number> = {};
  for (const order of orders) for (const { sku, qty } of order.lines) units[sku] = (units[sku] ?? 0) + qty;
  return units;
}
