import type { shopper } from "@checkout/testing";
import type { PlannedOrder } from "../plan/plan.ts";

type Shop = ReturnType<typeof shopper>;

/** Sets the units on hand of every SKU of the plan (through the shop's operator API). */
export async function setStock(shop: Shop, stock: Record<string, number>): Promise<void> {
  for (const [sku, onHand] of Object.entries(stock)) await shop.setStock(sku, onHand);
}

/**
 * One cart per planned order, created by the shopper who will check it out, filled before the clock starts: cart creation is not what the bench
 * measures. A few dozen at a time, retried once on a transient failure.
 */
export async function precreateCarts(shopOf: (index: number) => Shop, orders: PlannedOrder[], { concurrency = 32, onProgress = (_done: number) => {} } = {}): Promise<string[]> {
  const carts = new Array<string>(orders.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < orders.length) {
      const index = next++;
      const { sku, qty } = orders[index]!;
      const shop = shopOf(index);
      carts[index] = await shop.cartWith([{ sku, qty }]).catch(() => shop.cartWith([{ sku, qty }]));
      if (++done % 500 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  onProgress(done);
  return carts;
}
