const fractionDigits = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, BHD 3); 2 for a code Intl does not know. */
export function minorDigits(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/** `2400, "USD"` → `USD 24.00`; exact integer arithmetic, no float rounding, grouping with commas. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const minor = BigInt(Math.abs(Math.trunc(amount)));
  const scale = 10n ** BigInt(digits);
  const whole = (minor / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = digits > 0 ? `.${(minor % scale).toString().padStart(digits, "0")}` : "";
  return `${currency} ${sign}${whole}${fraction}`;
}
