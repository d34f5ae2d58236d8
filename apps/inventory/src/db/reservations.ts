import type { Sql, TransactionSql } from "@checkout/db";
import type { Line } from "../domain/reserve.ts";

type Db = Sql | TransactionSql;

export type ReservationStatus = "held" | "committed" | "released" | "rejected" | "cancelled";

export interface Reservation {
  id: string;
  orderId: string;
  status: ReservationStatus;
  lines: Line[];
  expiresAt: Date | null;
  releaseReason: string | null;
}

const columns = (sql: Db) =>
  sql`id, order_id AS "orderId", status, lines, expires_at AS "expiresAt", release_reason AS "releaseReason"`;

/** The order's reservation, locked for the rest of the transaction. */
export async function lockReservation(sql: Db, orderId: string): Promise<Reservation | undefined> {
  const [row] = await sql<Reservation[]>`SELECT ${columns(sql)} FROM reservations WHERE order_id = ${orderId} FOR UPDATE`;
  return row;
}

export async function findReservation(sql: Db, orderId: string): Promise<Reservation | undefined> {
  const [row] = await sql<Reservation[]>`SELECT ${columns(sql)} FROM reservations WHERE order_id = ${orderId}`;
  return row;
}

/** Records what inventory decided for an order; false when the order already has a row. */
export async function insertReservation(
  sql: Db,
  { id, orderId, status, lines, expiresAt = null }: { id: string; orderId: string; status: ReservationStatus; lines: Line[]; expiresAt?: Date | null },
): Promise<boolean> {
  const rows = await sql`
    INSERT INTO reservations (id, order_id, status, lines, expires_at)
    VALUES (${id}, ${orderId}, ${status}, ${sql.json(lines as never)}, ${expiresAt})
    ON CONFLICT (order_id) DO NOTHING RETURNING 1`;
  return rows.length === 1;
}

export async function setReservationStatus(sql: Db, orderId: string, status: ReservationStatus, reason: string | null = null): Promise<void> {
  await sql`UPDATE reservations SET status = ${status}, release_reason = coalesce(${reason}, release_reason), updated_at = now() WHERE order_id = ${orderId}`;
}
