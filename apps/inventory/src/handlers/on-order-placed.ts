import { randomUUID } from "node:crypto";
import { InventoryRejected, InventoryReserved, OrderPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { decideReservation, mergeLines, stockKeys } from "../domain/reserve.ts";
import { holdStock, lockAvailable } from "../db/stock.ts";
import { insertReservation, lockReservation } from "../db/reservations.ts";

/** Reserves every line of a new order, all or nothing, with an atomic check-and-decrement under row locks. */
export const onOrderPlaced = ({ reservationTtlMs }: { reservationTtlMs: number }) =>
  defineHandler({
    subscribe: OrderPlaced,
    // the decision reads the stock levels: reservations of one SKU in a batch run one after the other
    sharedKeys: (event) => stockKeys(event.data.lines),
    async handle(event, { sql, now, log, later }) {
      const { orderId } = event.data;
      const lines = mergeLines(event.data.lines);
      // one round trip: the order's reservation and, if it has none, the stock rows, both locked. A
      // reservation of the same SKU after this one in the batch reads after these writes, so it sees them
      const [known, available] = await Promise.all([lockReservation(sql, orderId), lockAvailable(sql, lines.map((line) => line.sku), { unlessKnown: orderId })]);
      if (known) {
        log.info("order already seen by inventory (cancelled before it was placed, or a copy of the event); nothing to reserve");
        return [];
      }
      const decision = decideReservation(available, lines);
      const causedBy = event;
      if (!decision.ok) {
        later(insertReservation(sql, { id: `rej_${randomUUID()}`, orderId, status: "rejected", lines }));
        return [InventoryRejected.create(orderId, { orderId, reason: decision.reason, lines: decision.lines }, { causedBy })];
      }
      const reservationId = `res_${randomUUID()}`;
      const expiresAt = new Date(now().getTime() + reservationTtlMs);
      later(holdStock(sql, decision.lines));
      later(insertReservation(sql, { id: reservationId, orderId, status: "held", lines: decision.lines, expiresAt }));
      return [InventoryReserved.create(orderId, { orderId, reservationId, lines: decision.lines, expiresAt: expiresAt.toISOString() }, { causedBy })];
    },
  });
