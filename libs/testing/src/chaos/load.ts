import { randomUUID } from "node:crypto";
import { ADDRESS, type shopper } from "../shop.ts";
import type { Random } from "./random.ts";

export type Intent = "ok" | "declined" | "out_of_stock" | "shipping_refused" | "cancel";

export interface PlannedOrder {
  key: string;
  intent: Intent;
  lines: Array<{ sku: string; qty: number }>;
  paymentMethod: string;
  country: string;
}

export const PLENTY = ["TSHIRT-RED-M", "MUG-LOGO", "CAP-NAVY", "SOCKS-STRIPE"];
export const SCARCE = "TOTE-CANVAS";

/** The mix of a chaos run: most orders succeed; declines, sell-outs, shipping refusals and cancellations mixed in. */
export function planOrders(count: number, random: Random): PlannedOrder[] {
  return Array.from({ length: count }, () => {
    const roll = random.next();
    const intent: Intent = roll < 0.1 ? "declined" : roll < 0.18 ? "out_of_stock" : roll < 0.23 ? "shipping_refused" : roll < 0.3 ? "cancel" : "ok";
    const lines = intent === "out_of_stock" ? [{ sku: SCARCE, qty: random.int(1, 3) }] : [{ sku: random.pick(PLENTY), qty: random.int(1, 3) }];
    if (intent !== "out_of_stock" && random.chance(0.3)) lines.push({ sku: random.pick(PLENTY.filter((sku) => sku !== lines[0]!.sku)), qty: 1 });
    return {
      key: randomUUID(),
      intent,
      lines,
      paymentMethod: intent === "declined" ? random.pick(["pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds"]) : "pm_card_visa",
      country: intent === "shipping_refused" ? "IS" : "US",
    };
  });
}

/**
 * Places one planned order the way a careful client does while servers die under it: on a network
 * error or a 5xx it retries with the same Idempotency-Key, so an order is placed once however often it
 * is sent. Returns the order id.
 */
export async function placeWithRetries(shop: ReturnType<typeof shopper>, order: PlannedOrder, { deadlineMs = 120_000 } = {}): Promise<string> {
  const giveUp = Date.now() + deadlineMs;
  let cartId: string | undefined;
  let last = "";
  for (let attempt = 1; ; attempt++) {
    try {
      cartId ??= await shop.cartWith(order.lines);
      const address = order.country === "IS" ? { ...ADDRESS, city: "Reykjavik", region: "IS", country: "IS" } : ADDRESS;
      const response = await shop.checkout(cartId, { key: order.key, paymentMethod: order.paymentMethod, address });
      if (response.status === 202) return ((await response.json()) as { orderId: string }).orderId;
      const body = await response.text();
      last = `${response.status} ${body.slice(0, 300)}`;
      if (response.status < 500 && response.status !== 409 && response.status !== 429) throw new Error(`checkout refused: ${response.status} ${body}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("checkout refused")) throw error;
      last = String(error).slice(0, 300);
      if (/cart .*404|add .*: 404/.test(String(error))) cartId = undefined;
    }
    if (Date.now() > giveUp) throw new Error(`order ${order.key} not accepted after ${attempt} attempts; last: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * attempt)));
  }
}
