import type { Address, PriceSnapshot } from "@checkout/contracts";
import { discountFor, type Promo } from "./promo.ts";
import { shippingCost, shippingZone } from "./shipping.ts";
import { taxFor } from "./tax.ts";

/** A cart line with the catalog facts pricing needs, all in the order currency. */
export interface PricedItem {
  sku: string;
  name: string;
  qty: number;
  unitPrice: number;
  weightGrams: number;
}

export interface OrderLine {
  sku: string;
  name: string;
  qty: number;
  unitPrice: number;
  lineTotal: number;
}

export interface PricedOrder {
  lines: OrderLine[];
  pricing: PriceSnapshot;
  weightGrams: number;
}

export const lineTotalOf = ({ unitPrice, qty }: Pick<PricedItem, "unitPrice" | "qty">) => unitPrice * qty;

export function subtotalOf(lines: readonly Pick<PricedItem, "unitPrice" | "qty">[]): number {
  return lines.reduce((sum, line) => sum + lineTotalOf(line), 0);
}

/**
 * The immutable price of an order: subtotal, promo discount, shipping by zone and weight, tax by
 * destination, total = subtotal − discount + shipping + tax. `promo` is the stored code looked up for
 * `promoCode` (undefined when there is no such code). Throws the 422s of pricing-errors.ts.
 */
export function priceOrder({
  items,
  currency,
  destination,
  promoCode,
  promo,
  now,
}: {
  items: readonly PricedItem[];
  currency: string;
  destination: Pick<Address, "country" | "region">;
  promoCode?: string | undefined;
  promo?: Promo | undefined;
  now: Date;
}): PricedOrder {
  const zone = shippingZone(destination.country);
  const lines = items.map(({ sku, name, qty, unitPrice }) => ({ sku, name, qty, unitPrice, lineTotal: lineTotalOf({ unitPrice, qty }) }));
  const subtotal = subtotalOf(items);
  const weightGrams = items.reduce((sum, item) => sum + item.weightGrams * item.qty, 0);
  const discount = promoCode ? discountFor(promoCode, promo, { subtotal, currency, now }) : 0;
  const merchandise = subtotal - discount;
  const shipping = shippingCost(zone, weightGrams, merchandise);
  const tax = taxFor(destination, { merchandise, shipping });
  const pricing: PriceSnapshot = {
    currency,
    subtotal,
    discount,
    tax,
    shipping,
    total: merchandise + shipping + tax,
    ...(promoCode && promo ? { promoCode: promo.code } : {}),
  };
  return { lines, pricing, weightGrams };
}
