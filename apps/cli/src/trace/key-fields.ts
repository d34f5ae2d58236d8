import { formatMoney } from "../format/money.ts";

/**
 * The fields an operator looks for when following an order, in the order they are shown. Extraction
 * goes by field name, not by event, so a new event or version shows its ids and amounts without a
 * change here.
 */
const KEYS = [
  "reason",
  "declineCode",
  "detail",
  "from",
  "reservationId",
  "paymentIntentId",
  "shipmentId",
  "refundId",
  "carrier",
  "trackingNumber",
  "amount",
  "total",
  "pricing",
  "lines",
  "expiresAt",
] as const;

type Line = { sku?: unknown; qty?: unknown; requested?: unknown; available?: unknown };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const isMoney = (value: unknown): value is { amount: number; currency: string } =>
  isRecord(value) && typeof value.amount === "number" && typeof value.currency === "string";

/** `MUG-LOGO×2,TEE-M×1`; a rejected line shows what was there: `MUG-LOGO×2(available 1)` */
export function formatLines(lines: unknown[]): string {
  return lines
    .map((raw) => {
      const line = (isRecord(raw) ? raw : {}) as Line;
      const qty = line.qty ?? line.requested;
      const available = typeof line.available === "number" ? `(available ${line.available})` : "";
      return `${String(line.sku ?? "?")}×${String(qty ?? "?")}${available}`;
    })
    .join(",");
}

const quoteIfNeeded = (text: string) => (/[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text);

function formatValue(key: (typeof KEYS)[number], value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (key === "pricing") return isRecord(value) && typeof value.total === "number" && typeof value.currency === "string" ? formatMoney(value.total, value.currency) : undefined;
  if (key === "lines") return Array.isArray(value) && value.length > 0 ? formatLines(value) : undefined;
  if (isMoney(value)) return formatMoney(value.amount, value.currency);
  if (typeof value === "string") return quoteIfNeeded(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/**
 * The key fields of an event's data as label → formatted value, in display order. `pricing` shows as
 * `total` (an OrderPlaced has a price snapshot where other events have a total).
 */
export function keyFields(data: unknown): Record<string, string> {
  if (!isRecord(data)) return {};
  const fields: Record<string, string> = {};
  for (const key of KEYS) {
    const shown = formatValue(key, data[key]);
    if (shown === undefined) continue;
    const label = key === "pricing" ? "total" : key;
    fields[label] ??= shown;
  }
  return fields;
}

/** `res_1 pi_2`-style short form: the first 8 characters of a UUID, other ids up to 12 characters. */
export function shortId(id: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id)) return id.slice(0, 8);
  return id.length > 12 ? `${id.slice(0, 11)}…` : id;
}
