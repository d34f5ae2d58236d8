/** The one currency the shop sells in: every catalog price, fixed promo and total is in it. */
export const SHOP_CURRENCY = "USD";

export const BASIS_POINTS = 10_000;

/**
 * amount × numerator ÷ denominator, rounded half-up to a whole minor unit. Exact integer arithmetic
 * (BigInt inside, so even amount × numerator beyond 2^53 is exact); the only rounding in pricing.
 */
export function mulDivHalfUp(amount: number, numerator: number, denominator: number): number {
  for (const [name, value] of [["amount", amount], ["numerator", numerator], ["denominator", denominator]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
  if (denominator === 0) throw new RangeError("denominator must not be 0");
  const d = BigInt(denominator);
  const result = (BigInt(amount) * BigInt(numerator) * 2n + d) / (2n * d);
  if (result > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`result ${result} is beyond the safe integer range`);
  return Number(result);
}

/** `bp` basis points (1 bp = 0.01 %) of an amount, rounded half-up. */
export const basisPointsOf = (amount: number, bp: number) => mulDivHalfUp(amount, bp, BASIS_POINTS);

/** "USD 30.00", for messages; integer formatting, no float. Assumes 2 decimal minor units. */
export function formatMoney(amount: number, currency: string): string {
  const major = Math.trunc(amount / 100);
  return `${currency} ${major}.${String(amount % 100).padStart(2, "0")}`;
}
