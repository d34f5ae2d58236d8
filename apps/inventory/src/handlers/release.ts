import { randomUUID } from "node:crypto";
import { InventoryReleased } from "@checkout/contracts";
import type { AnyEvent, HandlerContext } from "@checkout/messaging";
import { releaseStock, restock } from "../db/stock.ts";
import { insertReservation, lockReservation, setReservationStatus } from "../db/reservations.ts";
import { stockSeenOf } from "../domain/stock-seen.ts";

type Reason = "payment_failed" | "order_cancelled" | "expired";

/**
 * Gives back whatever an order holds: a live hold is released, committed stock is restocked. An order
 * inventory has not seen yet gets a `cancelled` tombstone, so that its OrderPlaced, if it arrives later,
 * reserves nothing.
 */
export async function releaseOrder(orderId: string, reason: Reason, cause: AnyEvent, { sql, log, later, shared }: HandlerContext): Promise<AnyEvent[]> {
  const reservation = await lockReservation(sql, orderId);
  if (!reservation) {
    later(insertReservation(sql, { id: `cxl_${randomUUID()}`, orderId, status: "cancelled", lines: [] }));
    log.info({ reason }, "release before reservation: tombstone recorded");
    return [];
  }
  if (reservation.status !== "held" && reservation.status !== "committed") return [];
  const from = reservation.status === "held" ? "reserved" : "committed";
  // no shared key: giving stock back decides nothing, and the relative updates add up in any order; the
  // reservations after it in this transaction may take the units (told before the write is sent)
  stockSeenOf(shared).returned(reservation.lines);
  later(from === "reserved" ? releaseStock(sql, reservation.lines) : restock(sql, reservation.lines));
  later(setReservationStatus(sql, orderId, "released", reason));
  return [
    InventoryReleased.create(orderId, { orderId, reservationId: reservation.id, lines: reservation.lines, reason, from }, { causedBy: cause }),
  ];
}
