import type { Address } from "@checkout/contracts";
import type { Sql, TransactionSql } from "@checkout/db";
import type { CarrierShipment, RefusalReason } from "../carrier/carrier.ts";

type Db = Sql | TransactionSql;

export type ShipmentStatus = "created" | "failed" | "cancelled";

export interface Shipment {
  orderId: string;
  status: ShipmentStatus;
  shipmentId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  /** YYYY-MM-DD */
  estimatedDelivery: string | null;
  failureReason: RefusalReason | null;
  failureDetail: string | null;
  address: Address | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = (sql: Db) => sql`
  order_id AS "orderId", status, shipment_id AS "shipmentId", carrier, tracking_number AS "trackingNumber",
  estimated_delivery::text AS "estimatedDelivery", failure_reason AS "failureReason", failure_detail AS "failureDetail",
  address, created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Serialises every handler of one order until the transaction ends, even before the order has a row:
 * an OrderConfirmed and an OrderCancelled handled at the same moment cannot both miss each other.
 */
export async function lockOrder(sql: TransactionSql, orderId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`shipping:${orderId}`}, 0))`;
}

export async function findShipment(sql: Db, orderId: string): Promise<Shipment | undefined> {
  const [row] = await sql<Shipment[]>`SELECT ${columns(sql)} FROM shipments WHERE order_id = ${orderId}`;
  return row;
}

export async function insertCreated(sql: Db, orderId: string, address: Address, shipment: CarrierShipment): Promise<void> {
  await sql`
    INSERT INTO shipments (order_id, status, shipment_id, carrier, tracking_number, estimated_delivery, address)
    VALUES (${orderId}, 'created', ${shipment.shipmentId}, ${shipment.carrier}, ${shipment.trackingNumber},
            ${shipment.estimatedDelivery}, ${sql.json(address as never)})`;
}

export async function insertFailed(sql: Db, orderId: string, address: Address, { reason, detail }: { reason: RefusalReason; detail: string }): Promise<void> {
  await sql`
    INSERT INTO shipments (order_id, status, failure_reason, failure_detail, address)
    VALUES (${orderId}, 'failed', ${reason}, ${detail}, ${sql.json(address as never)})`;
}

/** Records that the order was cancelled before shipping saw it confirmed. */
export async function insertTombstone(sql: Db, orderId: string): Promise<void> {
  await sql`INSERT INTO shipments (order_id, status) VALUES (${orderId}, 'cancelled') ON CONFLICT (order_id) DO NOTHING`;
}

export async function markCancelled(sql: Db, orderId: string): Promise<void> {
  await sql`UPDATE shipments SET status = 'cancelled', updated_at = now() WHERE order_id = ${orderId}`;
}
