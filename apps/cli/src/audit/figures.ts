import { inFlight, type AuditData } from "./model.ts";

/** The numbers printed above the checks: what the system holds, whatever the verdict. */
export interface Figures {
  orders: { total: number; byStatus: Record<string, number>; inFlight: number };
  stock: { skus: number; onHand: number; reserved: number };
  reservations: Record<string, number>;
  /** keys in the KV bucket `reservations` (null: no bucket) */
  holds: number | null;
  payments: Record<string, number>;
  intents: { total: number; byStatus: Record<string, number>; captured: Record<string, number>; refunded: Record<string, number> };
  shipments: Record<string, number>;
  mails: Record<string, Record<string, number>>;
  mailbox: number;
  streams: Record<string, number>;
  deadLetters: number;
}

function countBy<T>(items: Iterable<T>, key: (item: T) => string, weight: (item: T) => number = () => 1): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + weight(item);
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function figures(data: AuditData): Figures {
  const mails: Record<string, Record<string, number>> = {};
  for (const mail of data.mails) (mails[mail.kind] ??= {})[mail.status] = (mails[mail.kind]?.[mail.status] ?? 0) + 1;
  return {
    orders: {
      total: data.orders.length,
      byStatus: countBy(data.orders, (order) => order.status),
      inFlight: data.orders.filter((order) => inFlight(order, data.settleSeconds)).length,
    },
    stock: {
      skus: data.stock.length,
      onHand: data.stock.reduce((sum, row) => sum + row.onHand, 0),
      reserved: data.stock.reduce((sum, row) => sum + row.reserved, 0),
    },
    reservations: countBy(data.reservations, (r) => r.status),
    holds: data.holds?.length ?? null,
    payments: countBy(data.payments, (p) => p.status),
    intents: {
      total: data.intents.length,
      byStatus: countBy(data.intents, (i) => i.status),
      captured: countBy(data.intents, (i) => i.currency.toUpperCase(), (i) => i.amountCaptured),
      refunded: countBy(data.intents, (i) => i.currency.toUpperCase(), (i) => i.amountRefunded),
    },
    shipments: countBy(data.shipments, (s) => s.status),
    mails: Object.fromEntries(Object.entries(mails).sort(([a], [b]) => a.localeCompare(b))),
    mailbox: data.mailbox.reduce((sum, box) => sum + box.count, 0),
    streams: Object.fromEntries(data.streams.map((scan) => [scan.stream, scan.messages])),
    deadLetters: data.deadLetters.total,
  };
}
