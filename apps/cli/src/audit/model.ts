import type { DeadLetterEntry } from "@checkout/messaging";

// What the audit loads from the live system, once, before any check runs: one query per table, one
// request to the payment provider, one scan per stream. The checks are pure functions of this.

export interface Line {
  sku: string;
  qty: number;
}

export interface AuditOrder {
  id: string;
  status: string;
  /** seconds since it was placed */
  ageSeconds: number;
  /** seconds since its last change of status */
  quietSeconds: number;
  /** pricing.total, minor units */
  total: number;
  currency: string;
  lines: Line[];
  /** refused at checkout as sold out (ADR 0010): written CANCELLED, never placed, nothing was held */
  neverPlaced: boolean;
}

export interface StockRow {
  sku: string;
  onHand: number;
  reserved: number;
}

export interface ReservationRow {
  id: string;
  orderId: string;
  status: string;
  lines: Line[];
}

export interface PaymentRow {
  orderId: string;
  status: string;
  paymentIntentId: string | null;
  failureMessage: string | null;
}

export interface ShipmentRow {
  orderId: string;
  status: string;
  shipmentId: string | null;
}

/** a row of notifications' outgoing_mail */
export interface OutgoingMail {
  orderId: string;
  kind: string;
  status: string;
}

/** notifications' mailbox, counted per order and kind */
export interface MailboxCount {
  orderId: string;
  kind: string;
  count: number;
}

/** a PaymentIntent at the provider, with its money */
export interface Intent {
  id: string;
  /** metadata.order_id */
  orderId: string | null;
  status: string;
  amount: number;
  currency: string;
  amountCaptured: number;
  amountRefunded: number;
}

export interface ContractProblem {
  stream: string;
  seq: number;
  subject: string;
  problem: string;
}

export interface StreamScan {
  stream: string;
  /** false when the stream does not exist on this server */
  exists: boolean;
  messages: number;
  problems: ContractProblem[];
}

export interface DeadLetterSummary {
  total: number;
  /** the oldest ones (up to a limit), for their reasons */
  entries: DeadLetterEntry[];
}

export interface AuditData {
  settleSeconds: number;
  orders: AuditOrder[];
  stock: StockRow[];
  reservations: ReservationRow[];
  /** the keys of the KV bucket `reservations`; null when the bucket does not exist */
  holds: string[] | null;
  payments: PaymentRow[];
  shipments: ShipmentRow[];
  mails: OutgoingMail[];
  mailbox: MailboxCount[];
  intents: Intent[];
  streams: StreamScan[];
  deadLetters: DeadLetterSummary;
}

export const TERMINAL = ["COMPLETED", "CANCELLED"] as const;
export const isTerminal = (status: string) => (TERMINAL as readonly string[]).includes(status);

/**
 * An order is in flight while its saga may still be moving: it changed status less than the settle
 * window ago, or it is PENDING or CANCELLING (its stock, money and mails are legitimately anything).
 * The cross-checks leave orders in flight out, on both sides; check 1 reports those in flight too long.
 */
export const inFlight = (order: AuditOrder, settleSeconds: number) =>
  order.quietSeconds < settleSeconds || order.status === "PENDING" || order.status === "CANCELLING";

/** Units per SKU of some lines. */
export function unitsBySku(lines: Iterable<Line>, into = new Map<string, number>()): Map<string, number> {
  for (const { sku, qty } of lines) into.set(sku, (into.get(sku) ?? 0) + qty);
  return into;
}

export const sameLines = (a: Line[], b: Line[]): boolean => {
  const left = unitsBySku(a);
  const right = unitsBySku(b);
  return left.size === right.size && [...left].every(([sku, qty]) => right.get(sku) === qty);
};

export const showLines = (lines: Line[]) => (lines.length === 0 ? "(no lines)" : lines.map(({ sku, qty }) => `${sku}×${qty}`).join(" "));
