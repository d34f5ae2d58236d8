import type { BenchOptions } from "../options.ts";
import { seededRandom, type Random } from "../random.ts";
import { rampPhases, scheduleArrivals, type Schedule } from "../load/schedule.ts";

/** The SKUs the orders service seeds (apps/orders/src/seed/catalog.ts, active ones): what a cart can hold. */
export const CATALOG_SKUS = [
  "TSHIRT-RED-M", "TSHIRT-RED-L", "TSHIRT-BLK-M", "TSHIRT-BLK-L", "HOODIE-GRY-M", "HOODIE-GRY-L", "MUG-LOGO",
  "MUG-TRAVEL", "CAP-NAVY", "TOTE-CANVAS", "SOCKS-STRIPE", "STICKER-PACK", "BOTTLE-STEEL",
] as const;
export const FLASH_SKU = "BOTTLE-STEEL";
/** `--warm-buyers`: the SKU of the sale before the clock (run/warm-up.ts), never the flash sale's */
export const WARM_UP_SKU = "MUG-LOGO";

/** What the shopper means to happen: the run checks each order's fate against it. */
export type Intent = "ok" | "decline" | "unserved" | "cancel";

export interface PlannedOrder {
  sku: string;
  qty: number;
  intent: Intent;
  /** cancel: sent this long after the 202 */
  cancelAfterMs: number;
}

export type Load = { kind: "open"; schedule: Schedule } | { kind: "closed"; concurrency: number };

export interface Plan {
  /** units on hand per SKU at the start */
  stock: Record<string, number>;
  orders: PlannedOrder[];
  load: Load;
}

function intentOf(random: Random, { declineRate, unservedRate, cancelRate }: Pick<BenchOptions, "declineRate" | "unservedRate" | "cancelRate">): Intent {
  const roll = random.next();
  if (roll < declineRate) return "decline";
  if (roll < declineRate + unservedRate) return "unserved";
  if (roll < declineRate + unservedRate + cancelRate) return "cancel";
  return "ok";
}

/** Enough stock for every order on every SKU, plus a margin: these scenarios measure flow, not sell-outs. */
function plentyFor(orders: PlannedOrder[], skus: readonly string[]): Record<string, number> {
  const stock = Object.fromEntries(skus.map((sku) => [sku, 100]));
  for (const order of orders) stock[order.sku]! += order.qty;
  return stock;
}

/** The orders of a run, their stock and how they arrive; the same options and seed give the same plan. */
export function planRun(options: BenchOptions): Plan {
  const random = seededRandom(options.seed);
  if (options.scenario === "flash-sale") {
    const orders = Array.from({ length: options.buyers }, (): PlannedOrder => ({ sku: FLASH_SKU, qty: 1, intent: "ok", cancelAfterMs: 0 }));
    return { stock: { [FLASH_SKU]: options.units }, orders, load: { kind: "closed", concurrency: Math.min(options.concurrency, options.buyers) } };
  }
  const phases =
    options.scenario === "ramp"
      ? rampPhases({ from: options.rateFrom, to: options.rate, steps: options.steps, durationS: options.durationS })
      : [{ rate: options.rate, durationS: options.durationS }];
  const schedule = scheduleArrivals(phases, { process: options.arrivals, random: seededRandom(options.seed + 1) });
  const skus = CATALOG_SKUS.slice(0, Math.max(1, Math.min(options.skus, CATALOG_SKUS.length)));
  const orders = Array.from({ length: schedule.offsetsMs.length }, (): PlannedOrder => {
    const intent = options.scenario === "mixed" ? intentOf(random, options) : "ok";
    return { sku: random.pick(skus), qty: 1, intent, cancelAfterMs: intent === "cancel" ? random.int(0, options.cancelDelayMs) : 0 };
  });
  return { stock: plentyFor(orders, skus), orders, load: { kind: "open", schedule } };
}
