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

/**
 * The order's reservation, locked for the rest of the transaction. The advisory lock on the order id
 * comes first because there may be no row to lock yet: an OrderPlaced and an OrderCancelled handled side
 * by side would otherwise both see "nothing here", and one would hold stock under the other's tombstone.
 */
export async function lockReservation(sql: Db, orderId: string): Promise<Reservation | undefined> {
  // sent together (one round trip); PostgreSQL runs them in this order
  const [, [row]] = await Promise.all([
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`inventory:${orderId}`}, 0))`,
    sql<Reservation[]>`SELECT ${columns(sql)} FROM reservations WHERE order_id = ${orderId} FOR UPDATE`,
  ]);
  return row;
}

export async function findReservation(sql: Db, orderId: string): Promise<Reservation | undefined> {
  const [row] = await sql<Reservation[]>`SELECT ${columns(sql)} FROM reservations WHERE order_id = ${orderId}`;
  return row;
}

/**
 * Records what inventory decided for an order. Call it only under lockReservation, having seen no row: a
 * row that is there anyway means the lock was skipped, and the order's unique key then fails the
 * statement, so the transaction is refused rather than leave stock held under another decision. (In
 * SQL, not in JavaScript after the statement: handlers defer this write, and a deferred check could no
 * longer stop the commit.)
 */
export async function insertReservation(
  sql: Db,
  { id, orderId, status, lines, expiresAt = null }: { id: string; orderId: string; status: ReservationStatus; lines: Line[]; expiresAt?: Date | null },
): Promise<void> {
  await sql`
    INSERT INTO reservations (id, order_id, status, lines, expires_at)
    VALUES (${id}, ${orderId}, ${status}, ${sql.json(lines as never)}, ${expiresAt})`;
}

export async function setReservationStatus(sql: Db, orderId: string, status: ReservationStatus, reason: string | null = null): Promise<void> {
  await sql`UPDATE reservations SET status = ${status}, release_reason = coalesce(${reason}, release_reason), updated_at = now() WHERE order_id = ${orderId}`;
}
