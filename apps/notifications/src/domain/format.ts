/** An amount in minor units (cents, yen, fils) as a shopper reads it: 2400 USD → "$24.00". */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** The short reference a shopper can quote: the first block of the order id, upper case. */
export const orderReference = (orderId: string) => orderId.slice(0, 8).toUpperCase();

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/** "2026-01-05" → "Monday, January 5, 2026" (the date as written, whatever the server's time zone). */
export function formatDate(isoDate: string, locale = "en-US"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}
