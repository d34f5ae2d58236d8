import { InventoryCommitted, InventoryRejected, OrderConfirmed } from "@checkout/contracts";
import { defineHandler, UnprocessableEventError } from "@checkout/messaging";
import { availableNow, commitStock, onHandDown } from "../db/stock.ts";
import { lockReservation, setReservationStatus } from "../db/reservations.ts";
import { decideReservation, stockKeys } from "../domain/reserve.ts";
import { stockSeenOf } from "../domain/stock-seen.ts";

/**
 * A confirmed order's hold leaves the shelf for good. When the hold expired before the confirmation
 * arrived (the race of ADR 0007), the stock is taken again if it is still there; otherwise the order
 * is refused and orders cancels it, which voids the payment.
 */
export const onOrderConfirmed = defineHandler({
  subscribe: OrderConfirmed,
  // a confirmation after expiry takes the stock again: like a reservation, it reads the stock levels
  sharedKeys: (event) => stockKeys(event.data.lines),
  async handle(event, { sql, log, later, shared }) {
    const { orderId } = event.data;
    const reservation = await lockReservation(sql, orderId);
    const causedBy = event;
    if (reservation?.status === "held") {
      later(commitStock(sql, reservation.lines));
      later(setReservationStatus(sql, orderId, "committed"));
      return [InventoryCommitted.create(orderId, { orderId, reservationId: reservation.id, lines: reservation.lines }, { causedBy })];
    }
    if (reservation?.status === "released" && reservation.releaseReason === "expired") {
      // this handler waits its turn on the SKUs of the event's lines (sharedKeys), so it may only decide on those
      const keys = new Set(event.data.lines.map((line) => line.sku));
      const outside = reservation.lines.filter((line) => !keys.has(line.sku)).map((line) => line.sku);
      if (outside.length > 0) throw new UnprocessableEventError(`the confirmation's lines do not name ${outside.join(", ")}, which the order's reservation holds`);
      // the levels as this batch's reservations of these SKUs left them: and what it takes, they see gone
      const seen = stockSeenOf(shared);
      const available = await availableNow(sql, seen, reservation.lines.map((line) => line.sku));
      const decision = decideReservation(available, reservation.lines);
      seen.decided(available, decision.ok ? decision.lines : []);
      if (!decision.ok) {
        log.warn("confirmation after the hold expired, and the stock is gone: refusing the order");
        return [InventoryRejected.create(orderId, { orderId, reason: decision.reason, lines: decision.lines }, { causedBy })];
      }
      later(onHandDown(sql, decision.lines));
      later(setReservationStatus(sql, orderId, "committed"));
      log.info("confirmation after the hold expired: stock taken again and committed");
      return [InventoryCommitted.create(orderId, { orderId, reservationId: reservation.id, lines: reservation.lines }, { causedBy })];
    }
    log.warn({ status: reservation?.status ?? "none" }, "order confirmed without a hold to commit; nothing to do");
    return [];
  },
});
