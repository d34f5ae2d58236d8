import { formatMoney, mulDivHalfUp } from "./money.ts";
import { PromoCodeRejected } from "./pricing-errors.ts";

/** A promo code as stored (promo_codes table). */
export interface Promo {
  code: string;
  kind: "percent" | "fixed";
  /** percent: 1..100; fixed: minor units of `currency` */
  value: number;
  currency: string | null;
  /** minor units of the cart currency */
  minSubtotal: number;
  expiresAt: Date | null;
  active: boolean;
}

/** Promo codes are matched case-insensitively: stored and looked up in upper case. */
export const normalizePromoCode = (code: string) => code.trim().toUpperCase();

/**
 * The discount a promo code gives on `subtotal`, in minor units, never more than the subtotal.
 * Percentages round half-up. Refuses (422 naming `promoCode`) a code that is unknown, inactive,
 * expired at `now`, in another currency, or whose minimum subtotal is not met.
 */
export function discountFor(
  code: string,
  promo: Promo | undefined,
  { subtotal, currency, now }: { subtotal: number; currency: string; now: Date },
): number {
  if (!promo) throw new PromoCodeRejected("unknown", `promo code ${code} does not exist`);
  if (!promo.active) throw new PromoCodeRejected("inactive", `promo code ${promo.code} is no longer valid`);
  if (promo.expiresAt && promo.expiresAt.getTime() <= now.getTime()) {
    throw new PromoCodeRejected("expired", `promo code ${promo.code} expired on ${promo.expiresAt.toISOString().slice(0, 10)}`);
  }
  if (promo.kind === "fixed" && promo.currency !== currency) {
    throw new PromoCodeRejected("currency_mismatch", `promo code ${promo.code} is in ${promo.currency}, the cart is in ${currency}`);
  }
  if (subtotal < promo.minSubtotal) {
    throw new PromoCodeRejected(
      "minimum_not_met",
      `promo code ${promo.code} needs a subtotal of at least ${formatMoney(promo.minSubtotal, currency)} (the cart has ${formatMoney(subtotal, currency)})`,
    );
  }
  const amount = promo.kind === "percent" ? mulDivHalfUp(subtotal, promo.value, 100) : promo.value;
  return Math.min(amount, subtotal);
}
