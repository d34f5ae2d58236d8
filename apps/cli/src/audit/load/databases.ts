import postgres from "postgres";
import type { AuditOrder, Line, MailboxCount, OutgoingMail, PaymentRow, ReservationRow, ShipmentRow, StockRow } from "../model.ts";
import { CliError, EXIT } from "../../errors.ts";
import { redact } from "../../session.ts";

type Sql = ReturnType<typeof postgres>;

/** Opens one database for a few reads, always closes it, and names it when it cannot be read. */
export async function withDatabase<T>(name: string, url: string, read: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, idle_timeout: 5, onnotice: () => {}, connection: { application_name: "checkout-audit" } });
  try {
    return await read(sql);
  } catch (error) {
    throw new CliError(`cannot read the ${name} database at ${redact(url)}: ${(error as Error).message}`, EXIT.usage, "unreachable");
  } finally {
    await sql.end({ timeout: 2 }).catch(() => {});
  }
}

const lines = (value: unknown): Line[] =>
  Array.isArray(value) ? value.map((line: { sku?: unknown; qty?: unknown }) => ({ sku: String(line.sku), qty: Number(line.qty) })) : [];

/**
 * Every order: one query. Ages come from the database's clock, like the timestamps they compare. An
 * order placed has its OrderPlaced in its timeline, written with it; one refused at checkout has not.
 */
export async function loadOrders(sql: Sql): Promise<AuditOrder[]> {
  const rows = await sql<Array<{ id: string; status: string; age: number; quiet: number; total: string | null; currency: string | null; lines: unknown; never_placed: boolean }>>`
    SELECT id::text, status, extract(epoch FROM now() - created_at)::float8 AS age, extract(epoch FROM now() - updated_at)::float8 AS quiet,
      pricing->>'total' AS total, pricing->>'currency' AS currency, lines,
      NOT EXISTS (SELECT 1 FROM order_timeline t WHERE t.order_id = orders.id AND t.type = 'OrderPlaced') AS never_placed
    FROM orders`;
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    ageSeconds: row.age,
    quietSeconds: row.quiet,
    total: Number(row.total ?? Number.NaN),
    currency: row.currency ?? "???",
    lines: lines(row.lines),
    neverPlaced: row.never_placed,
  }));
}

export async function loadInventory(sql: Sql): Promise<{ stock: StockRow[]; reservations: ReservationRow[] }> {
  const stock = await sql<StockRow[]>`SELECT sku, on_hand AS "onHand", reserved FROM stock`;
  const reservations = await sql<Array<{ id: string; orderId: string; status: string; lines: unknown }>>`SELECT id, order_id::text AS "orderId", status, lines FROM reservations`;
  return { stock: [...stock], reservations: reservations.map((r) => ({ ...r, lines: lines(r.lines) })) };
}

export async function loadPayments(sql: Sql): Promise<PaymentRow[]> {
  return [...(await sql<PaymentRow[]>`SELECT order_id::text AS "orderId", status, payment_intent_id AS "paymentIntentId", failure_message AS "failureMessage" FROM payments`)];
}

export async function loadShipments(sql: Sql): Promise<ShipmentRow[]> {
  return [...(await sql<ShipmentRow[]>`SELECT order_id::text AS "orderId", status, shipment_id AS "shipmentId" FROM shipments`)];
}

export async function loadMails(sql: Sql): Promise<{ mails: OutgoingMail[]; mailbox: MailboxCount[] }> {
  const mails = await sql<OutgoingMail[]>`SELECT order_id::text AS "orderId", kind, status FROM outgoing_mail`;
  const mailbox = await sql<MailboxCount[]>`SELECT order_id::text AS "orderId", kind, count(*)::int AS count FROM mailbox GROUP BY order_id, kind`;
  return { mails: [...mails], mailbox: [...mailbox] };
}
