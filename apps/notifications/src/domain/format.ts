// Intl formatters are costly to build and cheap to use: one per locale (and currency), kept
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** An amount in minor units (cents, yen, fils) as a shopper reads it: 2400 USD → "$24.00". */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  const key = `${locale}|${currency}`;
  let money = moneyFormats.get(key);
  if (!money) {
    const format = new Intl.NumberFormat(locale, { style: "currency", currency });
    money = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(key, money);
  }
  return money.format.format(amount / 10 ** money.digits);
}

/** The short reference a shopper can quote: the first block of the order id, upper case. */
export const orderReference = (orderId: string) => orderId.slice(0, 8).toUpperCase();

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/** "2026-01-05" → "Monday, January 5, 2026" (the date as written, whatever the server's time zone). */
export function formatDate(isoDate: string, locale = "en-US"): string {
  let format = dateFormats.get(locale);
  if (!format) dateFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeZone: "UTC" })));
  return format.format(new Date(`${isoDate}T00:00:00Z`));
}
